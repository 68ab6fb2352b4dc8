using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Runbook.Adapters.Backup;

/// <summary>
/// Durability for many files at once on Linux: one <c>syncfs</c> makes every file written so far durable, and one
/// <c>fsync</c> of a folder makes its renames durable. A Maildir backup flushing one file per message waits for a
/// journal commit per message; written as a batch it waits for two per batch.
/// </summary>
internal static class FileSync
{
    private const int ReadOnly = 0;
    private const int Directory = 0x10000; // O_DIRECTORY on Linux

    /// <summary>False where the batch calls do not exist; callers then flush each file on its own.</summary>
    public static bool Batched => OperatingSystem.IsLinux();

    /// <summary>Everything written to the file system that holds <paramref name="folder"/> reaches the disk.</summary>
    public static void SyncFileSystem(string folder) => WithFolder(folder, fd => SyncFs(fd));

    /// <summary>The entries of <paramref name="folder"/> (new names, renames, deletions) reach the disk.</summary>
    public static void SyncFolder(string folder) => WithFolder(folder, fd => FSync(fd));

    private static void WithFolder(string folder, Func<int, int> call)
    {
        var fd = Open(folder, ReadOnly | Directory);
        if (fd < 0)
        {
            throw new IOException($"cannot open {folder} to flush it to disk: {new Win32Exception(Marshal.GetLastPInvokeError()).Message}");
        }

        try
        {
            if (call(fd) != 0)
            {
                throw new IOException($"flushing {folder} to disk failed: {new Win32Exception(Marshal.GetLastPInvokeError()).Message}");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    private static extern int SyncFs(int fd);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int FSync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
