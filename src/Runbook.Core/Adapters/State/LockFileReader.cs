using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Runbook.Adapters.State;

/// <summary>
/// Reads a file that another process holds with <see cref="FileShare.None"/>. On Unix every managed open of a regular
/// file takes a <c>flock</c> (shared for reading), which the holder's exclusive lock refuses; <c>open(2)</c> itself
/// takes none, so the holder's description stays readable to the process it refuses.
/// </summary>
internal static class LockFileReader
{
    private const int ReadOnly = 0; // O_RDONLY
    private const int MaxBytes = 64 * 1024;

    /// <summary>The file's text, or null when it does not exist or cannot be read.</summary>
    public static string? ReadWithoutLocking(string path)
    {
        try
        {
            if (OperatingSystem.IsWindows())
            {
                return File.ReadAllText(path);
            }

            var fd = Open(path, ReadOnly);
            if (fd < 0)
            {
                return null;
            }

            using var handle = new SafeFileHandle((nint)fd, ownsHandle: true);
            var buffer = new byte[MaxBytes];
            var length = 0;
            int read;
            while (length < buffer.Length && (read = RandomAccess.Read(handle, buffer.AsSpan(length), length)) > 0)
            {
                length += read;
            }

            return Encoding.UTF8.GetString(buffer, 0, length);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return null;
        }
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);
}
