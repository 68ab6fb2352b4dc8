using System.Collections.Concurrent;

namespace Runbook.Steps.Mail;

/// <summary>
/// Spool directories of this process, reused batch after batch. Creating a directory and a file per message (and
/// deleting them a moment later) costs ext4 an inode allocation each, and after many deletions each allocation scans
/// the recently freed inodes: a quarter of Runbook's CPU in a copy of 50,000 messages went there. So a slot's files
/// stay (private to the running user) and are overwritten by the next batch; idle slots are deleted when the process
/// exits, and by <see cref="SpoolSweeper"/> after a crash (they are named after the process).
/// </summary>
internal static class SpoolSlots
{
    private static readonly ConcurrentDictionary<string, ConcurrentBag<string>> Idle = new(StringComparer.Ordinal);

    static SpoolSlots() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var root in Idle.Keys)
        {
            DeleteIdle(root);
        }
    };

    /// <summary>An idle slot under <paramref name="root"/>, or a new one only the running user may enter.</summary>
    public static string Take(string root)
    {
        var idle = Idle.GetOrAdd(Path.GetFullPath(root), _ => []);
        while (idle.TryTake(out var slot))
        {
            // A test (or a person) may have removed the root meanwhile: such a slot is forgotten.
            if (Directory.Exists(slot))
            {
                return slot;
            }
        }

        var created = Path.Combine(root, SpoolSweeper.NewName());
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(created);
        }
        else
        {
            Directory.CreateDirectory(created, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return created;
    }

    /// <summary>Makes the slot available again; the next batch overwrites its files.</summary>
    public static void Return(string root, string slot) => Idle.GetOrAdd(Path.GetFullPath(root), _ => []).Add(slot);

    /// <summary>Deletes the idle slots under <paramref name="root"/> (those in use are left to their spool).</summary>
    public static void DeleteIdle(string root)
    {
        if (Idle.TryGetValue(Path.GetFullPath(root), out var idle))
        {
            while (idle.TryTake(out var slot))
            {
                TryDelete(slot);
            }
        }
    }

    private static void TryDelete(string slot)
    {
        try
        {
            Directory.Delete(slot, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for SpoolSweeper on the next run.
        }
    }
}
