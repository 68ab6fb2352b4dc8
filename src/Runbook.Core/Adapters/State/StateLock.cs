using System.Diagnostics;
using System.Text.Json;
using Runbook.Errors;

namespace Runbook.Adapters.State;

/// <summary>Who holds a state lock: enough to tell a person which process to look for, and to tell a dead one.</summary>
internal sealed record LockHolder(int Pid, string Host, DateTimeOffset StartedAt, string Command, DateTime ProcessStart)
{
    public override string ToString() => $"pid {Pid} on {Host} ({Command}, since {StartedAt:yyyy-MM-dd HH:mm:ss}Z)";
}

/// <summary>
/// One apply at a time per state: a lock file beside the database (<c>STATE.lock</c>) naming its holder. Created
/// atomically (hard link of a finished temp file), so a reader never sees half a holder.
/// </summary>
internal sealed class StateLock : IDisposable
{
    private readonly string _path;
    private bool _released;

    private StateLock(string path, LockHolder holder)
    {
        _path = path;
        Holder = holder;
    }

    public LockHolder Holder { get; }

    public static string PathFor(string statePath) => statePath + ".lock";

    /// <summary>
    /// Takes the lock. A lock left by a process that is no longer running on this host is stale: it is replaced and
    /// <paramref name="staleTakenOver"/> names it so the caller can report it. A live holder throws <see cref="StateLockedException"/>.
    /// </summary>
    public static StateLock Acquire(string statePath, string command, TimeProvider time, out LockHolder? staleTakenOver)
    {
        var path = PathFor(statePath);
        using var self = Process.GetCurrentProcess();
        var holder = new LockHolder(Environment.ProcessId, Environment.MachineName, time.GetUtcNow(), command, self.StartTime.ToUniversalTime());
        staleTakenOver = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (TryCreate(path, holder))
            {
                return new StateLock(path, holder);
            }

            var current = Read(path);
            if (current is not null && !IsStale(current))
            {
                throw new StateLockedException($"the state {statePath} is locked by {current}; if that process is gone, run `runbook unlock`");
            }

            staleTakenOver = current;
            File.Delete(path);
        }

        throw new StateLockedException($"the state {statePath} is locked by a process that keeps changing; try again");
    }

    /// <summary>The holder named in the lock file, or null when there is no lock (or it is unreadable).</summary>
    public static LockHolder? Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<LockHolder>(File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Stale: held by a process of this host that is not running any more (or is a newer process reusing the pid).</summary>
    public static bool IsStale(LockHolder holder)
    {
        if (!string.Equals(holder.Host, Environment.MachineName, StringComparison.OrdinalIgnoreCase))
        {
            // Another host's process cannot be checked from here; only `runbook unlock` clears it.
            return false;
        }

        try
        {
            using var process = Process.GetProcessById(holder.Pid);
            if (process.HasExited)
            {
                return true;
            }

            // Pids are reused: a process with another start time is not the holder. (The OS clock, not the
            // injected TimeProvider, since it is compared with what the OS reports.)
            return (process.StartTime.ToUniversalTime() - holder.ProcessStart).Duration() > TimeSpan.FromSeconds(1);
        }
        catch (ArgumentException)
        {
            return true;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    /// <summary>Removes the lock whoever holds it (<c>runbook unlock</c>); returns the holder it removed, if any.</summary>
    public static LockHolder? ForceRemove(string statePath)
    {
        var path = PathFor(statePath);
        var holder = Read(path);
        File.Delete(path);
        return holder;
    }

    public void Dispose()
    {
        if (_released)
        {
            return;
        }

        _released = true;
        // Only remove our own lock: after `runbook unlock`, another apply may hold it now.
        if (Read(_path) is { } current && current.Pid == Holder.Pid && current.StartedAt == Holder.StartedAt)
        {
            File.Delete(_path);
        }
    }

    private static bool TryCreate(string path, LockHolder holder)
    {
        var temp = $"{path}.{holder.Pid}.{Guid.NewGuid():N}.tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(holder));
        try
        {
            // File.Move without overwrite is a link + unlink on Unix: atomic, and fails when the lock exists.
            File.Move(temp, path, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temp);
            return false;
        }
    }
}
