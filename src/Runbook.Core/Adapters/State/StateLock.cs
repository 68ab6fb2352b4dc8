using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Runbook.Errors;

namespace Runbook.Adapters.State;

/// <summary>Who holds a state lock: enough to tell a person which process to look for, and to tell a dead one.</summary>
internal sealed record LockHolder(int Pid, string Host, DateTimeOffset StartedAt, string Command, DateTime ProcessStart)
{
    public override string ToString() => $"pid {Pid} on {Host} ({Command}, since {StartedAt:yyyy-MM-dd HH:mm:ss}Z)";
}

/// <summary>
/// One apply at a time per state: an OS lock on <c>STATE.lock</c> beside the database, held by an open
/// <see cref="FileStream"/> with <see cref="FileShare.None"/> (an exclusive <c>flock</c> on Linux) for the lock's
/// lifetime. The OS releases it when the holder exits, however it dies, so there is no stale-PID guess to race on. The
/// file's content only describes the holder (JSON <see cref="LockHolder"/>), for the message of whoever is refused.
/// </summary>
internal sealed class StateLock : IDisposable
{
    private readonly FileStream _stream;
    private bool _released;

    private StateLock(FileStream stream, LockHolder holder)
    {
        _stream = stream;
        Holder = holder;
    }

    public LockHolder Holder { get; }

    public static string PathFor(string statePath) => statePath + ".lock";

    /// <summary>
    /// Takes the lock, or throws <see cref="StateLockedException"/> naming the holder when another process (or another
    /// handle of this one) has it. When the file still names a holder, that holder ended without releasing (killed):
    /// <paramref name="staleTakenOver"/> names it so the caller can report it.
    /// </summary>
    public static StateLock Acquire(string statePath, string command, TimeProvider time, out LockHolder? staleTakenOver)
    {
        var path = PathFor(statePath);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (IsHeldElsewhere(e))
        {
            var holder = Read(path);
            throw new StateLockedException(holder is null
                ? $"the state {statePath} is locked by another process (it has not written its name yet); try again"
                : $"the state {statePath} is locked by {holder}; stop that process first (Ctrl+C there), or wait for it to finish");
        }

        try
        {
            staleTakenOver = Parse(ReadAll(stream));
            using var self = Process.GetCurrentProcess();
            var mine = new LockHolder(Environment.ProcessId, Environment.MachineName, time.GetUtcNow(), command, self.StartTime.ToUniversalTime());
            Write(stream, JsonSerializer.Serialize(mine));
            return new StateLock(stream, mine);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>The holder named in the lock file, or null when there is none (released, absent or unreadable). Takes no lock.</summary>
    public static LockHolder? Read(string path) => Parse(LockFileReader.ReadWithoutLocking(path));

    /// <summary>
    /// Stale: the file names a process of this host that is not running any more (or a newer process reusing the pid).
    /// For display only (<c>status</c>): the lock itself needs no such guess, the OS released it with the process.
    /// </summary>
    public static bool IsStale(LockHolder holder)
    {
        if (!string.Equals(holder.Host, Environment.MachineName, StringComparison.OrdinalIgnoreCase))
        {
            // Another host's process cannot be checked from here.
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

    /// <summary>
    /// Deletes the lock file whoever holds it (<c>runbook unlock --force</c>); returns the holder it named. A running
    /// holder keeps its lock on the deleted file, so from then on it excludes nobody: the next apply may run beside it.
    /// </summary>
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
        try
        {
            // Emptied, not deleted: deleting would let a process that opened the old file just before and one that
            // creates a new file both hold "the" lock. An empty file names no holder, so nothing is stale.
            _stream.SetLength(0);
            _stream.Flush(flushToDisk: true);
        }
        catch (IOException)
        {
            // Releasing matters more than tidying: the next holder reports the leftover name as stale, which is harmless.
        }
        finally
        {
            _stream.Dispose();
        }
    }

    /// <summary>The open failed because the file is locked (EWOULDBLOCK from flock on Unix, a sharing violation on Windows).</summary>
    private static bool IsHeldElsewhere(IOException e) =>
        e is not (FileNotFoundException or DirectoryNotFoundException or PathTooLongException)
        && (OperatingSystem.IsWindows() ? (e.HResult & 0xFFFF) == 32 : e.HResult is 11 or 35);

    private static string ReadAll(FileStream stream)
    {
        stream.Position = 0;
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        return reader.ReadToEnd();
    }

    private static void Write(FileStream stream, string text)
    {
        stream.SetLength(0);
        stream.Position = 0;
        stream.Write(Encoding.UTF8.GetBytes(text));
        stream.Flush(flushToDisk: true);
    }

    private static LockHolder? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<LockHolder>(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
