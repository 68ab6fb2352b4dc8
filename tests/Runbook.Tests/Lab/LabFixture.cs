using System.Diagnostics;
using Runbook.Lab;

namespace Runbook.Tests.Lab;

/// <summary>Brings the lab up once per test run (<c>lab/lab.sh up</c> is a no-op when it already runs).</summary>
public sealed class LabFixture : IAsyncLifetime
{
    private LabEnvironment? lab;

    internal LabEnvironment Lab => lab ?? throw new InvalidOperationException("the lab fixture is not initialised");

    public async Task InitializeAsync()
    {
        var root = LabEnvironment.FindRepositoryRoot(AppContext.BaseDirectory);
        await RunLabScriptAsync(root, "up");
        lab = LabEnvironment.Load(Path.Combine(root, ".lab", "lab.json"));
    }

    /// <summary>Runs <c>lab/lab.sh VERB</c>; a failure carries the script's output.</summary>
    internal static async Task RunLabScriptAsync(string root, string verb)
    {
        // Ten minutes: on a fresh machine "up" first installs the Debian packages.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var start = new ProcessStartInfo(Path.Combine(root, "lab", "lab.sh"), [verb])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not run lab/lab.sh");
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"lab/lab.sh {verb} failed ({process.ExitCode}):\n{await output}\n{await errors}");
        }
    }

    // The lab stays up for the next run and for the demo; `./build.sh lab down` stops it.
    public Task DisposeAsync() => Task.CompletedTask;
}

[CollectionDefinition("lab")]
public sealed class LabCollection : ICollectionFixture<LabFixture>;
