using System.Diagnostics;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Runbook.Lab;
using Runbook.Lab.Bench;
using Runbook.Lab.Corpus;

// Lab helper (run from the repository): dotnet tests/Runbook.Lab/bin/Release/net10.0/Runbook.Lab.dll VERB ...
//   seed --profile small|bench|many [--account EMAIL]... [--seed N] [--huge] [--inbox-only] [--manifest FILE]
//        without --account: one new account (small), four (bench) or one (many)
//   add --account EMAIL --count N [--folder PATH] [--seed N]      new mail on the old server, e.g. for a delta pass
//   floor --pairs FILE [--concurrency N] [--tls]   the benchmark's floor copy (bench/bench.sh); prints messages, bytes
//   compare --pairs FILE [--concurrency N]    byte-for-byte check of the new server against the old (JSON)
const string Usage = "usage: seed|add|floor|compare ... (see tests/Runbook.Lab/Program.cs)";
if (args.Length == 0)
{
    Console.Error.WriteLine(Usage);
    return 64;
}
string Value(string name, string fallback) =>
    Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
int Number(string name, int fallback) => int.Parse(Value(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
var lab = LabEnvironment.LoadFrom(Environment.CurrentDirectory);
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
var json = new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

switch (args[0])
{
    case "seed":
        return await SeedAsync();
    case "add":
        {
            var account = Value("--account", "");
            var generator = new CorpusGenerator(new CorpusOptions(CorpusProfile.Bench, Number("--seed", 1)));
            var added = await new CorpusSeeder(lab).AddAsync(account, generator.More(Value("--folder", "INBOX"), Number("--count", 1)), cancel.Token);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{account}: added {added.Sum(f => f.Count)} messages, {added.Sum(f => f.Bytes)} bytes"));
            return 0;
        }
    case "floor":
        {
            var result = await new FloorCopy(lab, args.Contains("--tls")).RunAsync(AccountPair.ReadFile(Value("--pairs", "")), Number("--concurrency", 1), cancel.Token);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{result.Messages} messages, {result.Bytes} bytes"));
            return 0;
        }
    case "compare":
        {
            var report = await new ExactCheck(lab).RunAsync(AccountPair.ReadFile(Value("--pairs", "")), Number("--concurrency", 4), cancel.Token);
            Console.WriteLine(JsonSerializer.Serialize(report, new JsonSerializerOptions(json) { PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
            return 0;
        }
    default:
        Console.Error.WriteLine(Usage);
        return 64;
}

async Task<int> SeedAsync()
{
    var profile = Enum.Parse<CorpusProfile>(Value("--profile", "small"), ignoreCase: true);
    var seed = Number("--seed", 1);
    var accounts = args.Select((a, i) => (a, i)).Where(p => p.a == "--account" && p.i + 1 < args.Length).Select(p => args[p.i + 1]).ToList();
    if (accounts.Count == 0)
    {
        accounts = [.. Enumerable.Range(1, profile == CorpusProfile.Bench ? 4 : 1).Select(n => lab.NewAccount($"{Value("--profile", "small")}{n}"))];
    }
    var seeder = new CorpusSeeder(lab);
    var manifests = new List<CorpusManifest>();
    var total = Stopwatch.StartNew();
    for (var n = 0; n < accounts.Count; n++)
    {
        var watch = Stopwatch.StartNew();
        var options = new CorpusOptions(profile, seed + n, args.Contains("--huge"), args.Contains("--inbox-only"));
        var manifest = await seeder.SeedAsync(accounts[n], options, cancel.Token);
        manifests.Add(manifest);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{manifest.Account}: {manifest.Count} messages, {manifest.Bytes:N0} bytes, {manifest.Folders.Count} folders, {watch.Elapsed.TotalSeconds:F1} s"));
    }
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"total: {manifests.Sum(m => m.Count)} messages, {manifests.Sum(m => m.Bytes):N0} bytes in {total.Elapsed.TotalSeconds:F1} s"));
    if (Value("--manifest", "") is { Length: > 0 } file)
    {
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(manifests, json), cancel.Token);
    }
    return 0;
}
