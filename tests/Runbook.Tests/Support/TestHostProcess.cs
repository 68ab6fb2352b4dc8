using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace Runbook.Tests.Support;

/// <summary>Runs the real CLI (tests/Runbook.TestHost: runbook plus test kinds) as a process in one directory.</summary>
internal sealed class TestHostProcess(string directory)
{
    // A safety net against a hung process, not a timing assertion: every run here takes well under a second.
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    private static string HostDll => Path.Combine(
        AppContext.BaseDirectory.Replace($"{Path.DirectorySeparatorChar}Runbook.Tests{Path.DirectorySeparatorChar}bin", $"{Path.DirectorySeparatorChar}Runbook.TestHost{Path.DirectorySeparatorChar}bin", StringComparison.Ordinal),
        "Runbook.TestHost.dll");

    public string EffectsPath => Path.Combine(directory, "effects.db");

    public string MarkerPath => Path.Combine(directory, "killed-at");

    /// <summary>Runs to the end (exit code and output).</summary>
    public async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        using var host = Start(args, killAt: null);
        using var timeout = new CancellationTokenSource(Limit);
        await host.Process.WaitForExitAsync(timeout.Token);
        return (host.Process.ExitCode, await host.Output);
    }

    /// <summary>Runs until the kill point <paramref name="point"/> is reached, then SIGKILLs the process; returns the point's name.</summary>
    public async Task<string> RunAndKillAsync(int point, params string[] args)
    {
        using var running = await RunUntilAsync(point, args);
        await running.KillAsync();
        return await File.ReadAllTextAsync(MarkerPath);
    }

    /// <summary>Runs until the kill point <paramref name="point"/> is reached and leaves the process blocked there (holding whatever it holds).</summary>
    public async Task<Running> RunUntilAsync(int point, params string[] args)
    {
        File.Delete(MarkerPath);
        var host = Start(args, point);
        var process = host.Process;
        var deadline = Stopwatch.StartNew();
        while (!File.Exists(MarkerPath))
        {
            if (process.HasExited)
            {
                var (exit, output) = (process.ExitCode, await host.Output);
                host.Dispose();
                throw new InvalidOperationException($"the process ended (exit {exit}) before kill point {point}: {output}");
            }

            if (deadline.Elapsed > Limit)
            {
                host.Dispose();
                throw new TimeoutException($"kill point {point} not reached");
            }

            await Task.Delay(10);
        }

        return new Running(host);
    }

    /// <summary>Runs until kill point <paramref name="point"/>, sends <paramref name="signal"/> (INT as Ctrl+C does, or TERM), and waits for the exit.</summary>
    public async Task<(int ExitCode, string Output)> RunAndSignalAsync(int point, string signal, params string[] args)
    {
        File.Delete(MarkerPath);
        using var host = Start(args, point, cancellable: true);
        var process = host.Process;
        using var timeout = new CancellationTokenSource(Limit);
        while (!File.Exists(MarkerPath) && !process.HasExited)
        {
            await Task.Delay(10, timeout.Token);
        }

        using (var kill = Process.Start("kill", ["-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(timeout.Token);
        }

        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await host.Output);
    }

    /// <summary>How often each effect key was written, read from the effects database.</summary>
    public Dictionary<string, long> WritesPerKey()
    {
        using var connection = new SqliteConnection($"Data Source={EffectsPath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT key, COUNT(*) FROM writes GROUP BY key";
        using var reader = command.ExecuteReader();
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        while (reader.Read())
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }

        return counts;
    }

    private Host Start(string[] args, int? killAt, bool cancellable = false)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(HostDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["RUNBOOK_TEST_EFFECTS"] = EffectsPath;
        info.Environment["RUNBOOK_TEST_MARKER"] = MarkerPath;
        info.Environment["NO_COLOR"] = "1";
        if (cancellable)
        {
            info.Environment["RUNBOOK_TEST_BLOCK"] = "cancellable";
        }

        if (killAt is { } n)
        {
            info.Environment["RUNBOOK_TEST_KILL_AT"] = n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var process = Process.Start(info)!;
        return new Host(process, ReadAsync(process));
    }

    // Both pipes are drained from the start: a process blocked on a full pipe would otherwise never exit.
    private static async Task<string> ReadAsync(Process process)
    {
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        return await output + await error;
    }

    /// <summary>A started host; disposing kills it if a test gave up on it (a timeout, a failed assertion), so none outlives the run.</summary>
    internal sealed record Host(Process Process, Task<string> Output) : IDisposable
    {
        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
            }

            Process.Dispose();
        }
    }

    /// <summary>A process blocked at a kill point; disposing kills it if the test did not.</summary>
    public sealed class Running : IDisposable
    {
        private readonly Host _host;

        internal Running(Host host) => _host = host;

        public int Pid => _host.Process.Id;

        /// <summary>SIGKILL on Unix: no handler runs, nothing is flushed or released by the process itself.</summary>
        public async Task KillAsync()
        {
            _host.Process.Kill();
            await _host.Process.WaitForExitAsync();
        }

        public void Dispose() => _host.Dispose();
    }
}
