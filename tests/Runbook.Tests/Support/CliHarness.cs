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

    public async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        var engine = new EngineCli(Time, Runbook.Cli.Commands.EngineCli.ProductionKinds(Time).Add(Kind)) { Sleeper = Sleeper };
        var code = await RunbookApp.RunAsync(args, engine, new CliConsole(output, output, colors: false), CancellationToken.None);
        return (code, output.ToString());
    }

    public void Dispose() => _directory.Dispose();
}
