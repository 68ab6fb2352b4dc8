using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Runbook.Steps.Mail;

/// <summary>
/// Removes spool folders left behind by runs that died (SIGKILL, power loss): they hold copies of people's mail.
/// A spool folder is named after its process, so only folders whose process is gone are touched; a parallel run's
/// spool is left alone. Sweeps each root once per process.
/// </summary>
internal static class SpoolSweeper
{
    public const string Prefix = "runbook-spool-";
    private static readonly ConcurrentDictionary<string, bool> Swept = new(StringComparer.Ordinal);

    /// <summary>The folder name for a new spool of this process.</summary>
    public static string NewName() =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Environment.ProcessId}-{Guid.NewGuid():N}");

    public static void SweepOnce(string root)
    {
        if (Swept.TryAdd(Path.GetFullPath(root), true))
        {
            Sweep(root);
        }
    }

    /// <summary>Deletes every spool folder under <paramref name="root"/> whose owning process no longer runs.</summary>
    public static int Sweep(string root)
    {
        var removed = 0;
        foreach (var directory in Directory.EnumerateDirectories(root, Prefix + "*"))
        {
            if (OwnerPid(Path.GetFileName(directory)) is { } pid && !IsRunning(pid))
            {
                try
                {
                    Directory.Delete(directory, recursive: true);
                    removed++;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Another user's folder, or one being removed right now: not ours to force.
                }
            }
        }

        return removed;
    }

    private static int? OwnerPid(string name)
    {
        var rest = name[Prefix.Length..];
        var dash = rest.IndexOf('-', StringComparison.Ordinal);
        return dash > 0 && int.TryParse(rest[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
