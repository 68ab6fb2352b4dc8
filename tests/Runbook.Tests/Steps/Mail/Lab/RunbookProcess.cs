using System.Diagnostics;
using Runbook.Tests.Support;

namespace Runbook.Tests.Steps.Mail.Lab;

/// <summary>Runs the test host (`runbook` plus kill points) as a real process, so a test can SIGKILL it.</summary>
internal sealed class RunbookProcess
{
    public static string HostDll
    {
        get
        {
            // Same configuration as this test assembly (bin/Release/net10.0 or bin/Debug/net10.0).
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;
            return RepoPaths.Of("tests", "Runbook.TestHost", "bin", configuration, "net10.0", "Runbook.TestHost.dll");
        }
    }

    public static async Task<(int ExitCode, string Output)> RunAsync(string directory, params string[] args)
    {
        using var process = Start(directory, null, null, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>
    /// Runs apply with kill point <paramref name="killAt"/> armed: when the process reaches it, it is SIGKILLed.
    /// Returns the point's description, or null when the run ended before reaching it.
    /// </summary>
    public static Task<string?> ApplyAndKillAtAsync(string directory, string plan, int killAt) => KillAtAsync(directory, killAt, "apply", plan);

    /// <summary>Runs the verb <paramref name="args"/> with kill point <paramref name="killAt"/> armed; as <see cref="ApplyAndKillAtAsync"/>.</summary>
    public static async Task<string?> KillAtAsync(string directory, int killAt, params string[] args)
    {
        var marker = Path.Combine(directory, $"kill-{killAt}-{Guid.NewGuid():N}.marker");
        using var process = Start(directory, killAt, marker, args);
        var drain = Task.WhenAll(process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
        while (!process.HasExited && !File.Exists(marker))
        {
            await Task.Delay(20);
        }

        if (!File.Exists(marker))
        {
            await drain;
            return null;
        }

        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        await drain;
        return await File.ReadAllTextAsync(marker);
    }

    private static Process Start(string directory, int? killAt, string? marker, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(HostDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["RUNBOOK_TEST_EFFECTS"] = Path.Combine(directory, "effects.db");
        if (killAt is not null)
        {
            info.Environment["RUNBOOK_TEST_KILL_AT"] = killAt.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
            info.Environment["RUNBOOK_TEST_MARKER"] = marker;
        }

        return Process.Start(info) ?? throw new InvalidOperationException("could not start the test host");
    }
}
