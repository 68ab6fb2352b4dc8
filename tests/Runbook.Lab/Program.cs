using System.Diagnostics;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Runbook.Lab;
using Runbook.Lab.Corpus;

// Lab helper: dotnet run --project tests/Runbook.Lab -- seed --profile small|bench [--account EMAIL]... [--seed N]
//   [--huge] [--inbox-only] [--manifest FILE]. Without --account: one new account (small) or four (bench).
if (args.Length == 0 || args[0] != "seed")
{
    Console.Error.WriteLine("usage: seed --profile small|bench [--account EMAIL]... [--seed N] [--huge] [--inbox-only] [--manifest FILE]");
    return 64;
}
string Value(string name, string fallback) =>
    Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
var profile = Enum.Parse<CorpusProfile>(Value("--profile", "small"), ignoreCase: true);
var seed = int.Parse(Value("--seed", "1"), CultureInfo.InvariantCulture);
var lab = LabEnvironment.LoadFrom(Environment.CurrentDirectory);
var accounts = args.Select((a, i) => (a, i)).Where(p => p.a == "--account" && p.i + 1 < args.Length).Select(p => args[p.i + 1]).ToList();
if (accounts.Count == 0)
{
    accounts = [.. Enumerable.Range(1, profile == CorpusProfile.Bench ? 4 : 1).Select(n => lab.NewAccount($"{Value("--profile", "small")}{n}"))];
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
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
    var json = new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    await File.WriteAllTextAsync(file, JsonSerializer.Serialize(manifests, json), cancel.Token);
}
return 0;
