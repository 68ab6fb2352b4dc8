using System.Diagnostics;
using Runbook.Adapters.Backup;
using Runbook.Tests.Adapters.Mail;
using Runbook.Tests.Steps.Mail.Lab;

namespace Runbook.Tests.Steps.Backup.Lab;

/// <summary>Plans with a <c>backup:</c> section for the lab, and the tools the backup lab tests share (doveadm, killing).</summary>
internal static class BackupLab
{
    public static LabPlan Plan(MailLab lab, string user, string steps, string targets, string verify = "true") =>
        new(lab, [user], steps + $"\nbackup:\n  verify: {verify}\n  targets:\n{targets}\n");

    public static string Target(string id, string format) => $"    - {{ id: {id}, path: backup/{id}, format: {format} }}";

    public static string AccountRoot(LabPlan plan, string target, string user) => Path.Combine(plan.Folder, "backup", target, user.ToLowerInvariant());

    public static async Task<BackupManifest> ManifestAsync(LabPlan plan, string target, string user) =>
        await BackupManifest.LoadAsync(AccountRoot(plan, target, user), CancellationToken.None) ?? throw new InvalidOperationException("no manifest");

    /// <summary>Runs a program, returning its exit code and stdout bytes; stderr goes into the failure message.</summary>
    public static async Task<byte[]> RunAsync(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        using var stdout = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        await copy;
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', args)}: exit {process.ExitCode}: {await stderr}");
        return stdout.ToArray();
    }

    /// <summary>Runs apply with source kill points on; kills the process at point <paramref name="killAt"/>, or after <paramref name="delay"/>.</summary>
    public static async Task<string?> ApplyAndKillAsync(LabPlan plan, int? killAt, TimeSpan? delay = null)
    {
        var marker = Path.Combine(plan.Folder, $"kill-{Guid.NewGuid():N}.marker");
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = plan.Folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { RunbookProcess.HostDll, "apply", plan.PlanPath })
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["RUNBOOK_TEST_SOURCE_KILLS"] = "1";
        if (killAt is { } n)
        {
            info.Environment["RUNBOOK_TEST_KILL_AT"] = n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            info.Environment["RUNBOOK_TEST_MARKER"] = marker;
        }

        using var process = Process.Start(info)!;
        var drain = Task.WhenAll(process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
        var started = Stopwatch.StartNew();
        while (!process.HasExited && !File.Exists(marker) && (delay is null || started.Elapsed < delay))
        {
            await Task.Delay(10);
        }

        var killed = !process.HasExited;
        if (killed)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
        await drain;
        return !killed ? null : File.Exists(marker) ? await File.ReadAllTextAsync(marker) : $"after {started.ElapsedMilliseconds} ms";
    }
}
