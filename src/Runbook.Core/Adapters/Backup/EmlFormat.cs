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
        var writes = items.Select(item =>
        {
            var entry = item.Entry;
            // UIDVALIDITY in the name: a renumbered folder's UID 7 is another message than the old UID 7.
            var name = entry.Uid > 0
                ? string.Create(CultureInfo.InvariantCulture, $"{entry.UidValidity}-{entry.Uid}.eml")
                : $"pop3-{SafeNames.Digest(entry.SourceId)}.eml";
            entry.File = Path.Combine(folder.Path, name);
            return new MessageFileWrite(SafeNames.Inside(accountRoot, entry.File), item);
        }).ToList();
        await MessageFile.WriteBatchAsync(directory, writes, [], cancellationToken);
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
