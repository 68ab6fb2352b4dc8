using System.Globalization;

namespace Runbook.Adapters.Backup;

/// <summary><c>eml</c>: one plain <c>.eml</c> file per message, one folder per mailbox, INTERNALDATE as the file's mtime.</summary>
internal sealed class EmlFormat : IBackupFormat
{
    public string Name => "eml";

    public string FolderPath(IReadOnlyList<string> safeSegments, bool inbox) =>
        Path.Combine(["eml", .. inbox ? ["INBOX"] : safeSegments]);

    public async Task WriteAsync(string accountRoot, ManifestFolder folder, IReadOnlyList<BackupItem> items, CancellationToken cancellationToken)
    {
        var directory = SafeNames.Inside(accountRoot, folder.Path);
        AtomicFile.EnsureDirectory(directory);
        var options = new ParallelOptions { MaxDegreeOfParallelism = MessageFile.Parallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(items, options, async (item, ct) =>
        {
            var entry = item.Entry;
            // UIDVALIDITY in the name: a renumbered folder's UID 7 is another message than the old UID 7.
            var name = entry.Uid > 0
                ? string.Create(CultureInfo.InvariantCulture, $"{entry.UidValidity}-{entry.Uid}.eml")
                : $"pop3-{SafeNames.Digest(entry.SourceId)}.eml";
            entry.File = Path.Combine(folder.Path, name);
            await MessageFile.WriteAsync(SafeNames.Inside(accountRoot, entry.File), item, ct);
        });
    }

    public Task CopyOutAsync(string accountRoot, ManifestFolder folder, ManifestMessage message, Stream destination, CancellationToken cancellationToken) =>
        MessageFile.CopyOutAsync(SafeNames.Inside(accountRoot, message.File), destination, cancellationToken);

    public IEnumerable<string> MessageFiles(string accountRoot)
    {
        var root = Path.Combine(accountRoot, "eml");
        return Directory.Exists(root)
            ? Directory.EnumerateFiles(root, "*.eml", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(accountRoot, f))
            : [];
    }
}

/// <summary>A whole message in a file of its own (maildir, eml): written atomically, read back verbatim.</summary>
internal static class MessageFile
{
    /// <summary>Files written at once by a batch (see <see cref="MaildirFormat"/>).</summary>
    public const int Parallelism = 8;

    public static async Task WriteAsync(string path, BackupItem item, CancellationToken cancellationToken)
    {
        if (item.TakeFile is { } spooled)
        {
            // Same disk: flush the spool file and rename it into place, atomic like a copy but without the second write.
            await using (var file = new FileStream(spooled, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            {
                file.Flush(flushToDisk: true);
            }

            if (item.Entry.InternalDate is { } date)
            {
                File.SetLastWriteTimeUtc(spooled, date.UtcDateTime);
            }

            File.Move(spooled, path, overwrite: true);
            return;
        }

        var stream = AtomicFile.CreateTemp(path, out var temp);
        try
        {
            await using (var content = item.OpenContent())
            {
                await content.CopyToAsync(stream, cancellationToken);
            }

            await AtomicFile.CommitAsync(stream, temp, path, item.Entry.InternalDate, cancellationToken);
        }
        catch
        {
            await stream.DisposeAsync();
            File.Delete(temp);
            throw;
        }
    }

    public static async Task CopyOutAsync(string path, Stream destination, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await file.CopyToAsync(destination, cancellationToken);
    }
}
