using Microsoft.Extensions.Time.Testing;
using Runbook.Cli;
using Runbook.Cli.Commands;
using Runbook.Engine;

namespace Runbook.Tests.Support;

/// <summary>The real CLI in-process, with a fake clock, a fake sleeper and the counting test kind; one plan file in a temp dir.</summary>
internal sealed class CliHarness : IDisposable
{
    private readonly TempDirectory _directory = new();

    public CliHarness(string planYaml, DateTimeOffset now)
    {
        Time = new FakeTimeProvider(now);
        Kind = new CountingStepKind(Destination);
        Sleeper = new FakeSleeper(Time);
        PlanPath = Path.Combine(_directory.Path, "acme.yaml");
        File.WriteAllText(PlanPath, planYaml);
    }

    public FakeTimeProvider Time { get; }
    public FakeDestination Destination { get; } = new();
    public CountingStepKind Kind { get; }
    public FakeSleeper Sleeper { get; }
    public string PlanPath { get; }
    public string StatePath => Path.Combine(_directory.Path, "acme.runbook.db");
    public string Directory => _directory.Path;

    /// <summary>Built-in kinds to leave out, playing a Runbook version that cannot run them yet.</summary>
    public HashSet<string> Without { get; } = new(StringComparer.Ordinal);

    public async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        var kinds = Runbook.Cli.Commands.EngineCli.ProductionKinds(Time).Add(Kind);
        var engine = new EngineCli(Time, Without.Count == 0 ? kinds : new StepKindRegistry(kinds.Names.Where(n => !Without.Contains(n)).Select(n => kinds.TryGet(n, out var k) ? k : null!)))
        {
            Sleeper = Sleeper,
        };
        var code = await RunbookApp.RunAsync(args, engine, new CliConsole(output, output, colors: false), CancellationToken.None);
        return (code, output.ToString());
    }

    public void Dispose() => _directory.Dispose();
}
