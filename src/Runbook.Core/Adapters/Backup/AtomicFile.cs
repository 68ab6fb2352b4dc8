namespace Runbook.Adapters.Backup;

/// <summary>
/// Files and folders of a backup: written to a temp name beside the final one, flushed to disk, then renamed, so a
/// crash leaves either the old file or the new one, never half of one. Backups hold people's mail: 0600 and 0700.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Temp files carry this marker so a later run can sweep what a killed one left.</summary>
    public const string TempMarker = ".runbook-tmp-";

    private const UnixFileMode FileMode600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode DirMode700 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates the folder and every missing parent as 0700 (CreateDirectory gives new parents the default mode).</summary>
    public static void EnsureDirectory(string path)
    {
        if (Directory.Exists(path))
        {
            return;
        }

        if (Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(path)) is { Length: > 0 } parent)
        {
            EnsureDirectory(parent);
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, DirMode700);
        }
    }

    public static string TempPath(string path) =>
        Path.Combine(Path.GetDirectoryName(path)!, TempMarker + Guid.NewGuid().ToString("N")[..12] + "-" + Path.GetFileName(path)[..Math.Min(40, Path.GetFileName(path).Length)]);

    /// <summary>A new temp file beside <paramref name="path"/>, owner-only; pass it to <see cref="CommitAsync"/> when written.</summary>
    public static FileStream CreateTemp(string path, out string tempPath)
    {
        tempPath = TempPath(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite, Share = FileShare.None, BufferSize = 81920 };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = FileMode600;
        }

        return new FileStream(tempPath, options);
    }

    /// <summary>Flushes <paramref name="stream"/> to disk, closes it, sets the mtime if given, and renames the temp file over <paramref name="path"/>.</summary>
    public static async Task CommitAsync(FileStream stream, string tempPath, string path, DateTimeOffset? modified, CancellationToken cancellationToken)
    {
        await stream.FlushAsync(cancellationToken);
        stream.Flush(flushToDisk: true);
        await stream.DisposeAsync();
        if (modified is { } time)
        {
            File.SetLastWriteTimeUtc(tempPath, time.UtcDateTime);
        }

        File.Move(tempPath, path, overwrite: true);
    }

    public static async Task WriteAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var stream = CreateTemp(path, out var temp);
        try
        {
            await stream.WriteAsync(content, cancellationToken);
            await CommitAsync(stream, temp, path, null, cancellationToken);
        }
        catch
        {
            await stream.DisposeAsync();
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>Deletes the temp files a killed run left under <paramref name="root"/>; returns how many.</summary>
    public static int Sweep(string root)
    {
        if (!Directory.Exists(root))
        {
            return 0;
        }

        var count = 0;
        foreach (var file in Directory.EnumerateFiles(root, TempMarker + "*", SearchOption.AllDirectories))
        {
            File.Delete(file);
            count++;
        }

        return count;
    }
}
