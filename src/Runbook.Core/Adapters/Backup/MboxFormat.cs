using System.Globalization;
using System.Text;

namespace Runbook.Adapters.Backup;

/// <summary>
/// <c>mbox</c>: one mboxrd file per folder (<c>mbox/Parent/Child.mbox</c>). A run that adds messages to a folder writes
/// a new file (the part the manifest vouches for, then the new messages of all its batches) and renames it over the old
/// one at the folder's end, so a crash never leaves half a message; the manifest keeps each message's offset and
/// quoted length.
/// </summary>
internal sealed class MboxFormat : IBackupFormat
{
    public string Name => "mbox";

    public bool FilePerMessage => false;

    /// <summary>Folders with messages written in this run and not yet committed, by full path (accounts run in parallel).</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (FileStream Stream, string Temp)> _open = new(StringComparer.Ordinal);

    public string FolderPath(IReadOnlyList<string> safeSegments, bool inbox)
    {
        string[] segments = inbox ? ["INBOX"] : [.. safeSegments];
        segments[^1] += ".mbox";
        return Path.Combine(["mbox", .. segments]);
    }

    public async Task WriteAsync(string accountRoot, ManifestFolder folder, IReadOnlyList<BackupItem> items, CancellationToken cancellationToken)
    {
        var path = SafeNames.Inside(accountRoot, folder.Path);
        var (stream, _) = await OpenAsync(path, folder, cancellationToken);
        foreach (var item in items)
        {
            var entry = item.Entry;
            await stream.WriteAsync(FromLine(entry.InternalDate), cancellationToken);
            entry.Offset = stream.Position;
            await using (var content = item.OpenContent())
            {
                entry.Length = await MboxrdQuoting.CopyAsync(content, null, stream, quote: true, cancellationToken);
            }

            entry.File = folder.Path;
            // A message without a final newline still ends its line, then the blank line before the next "From ".
            stream.Position -= entry.Length > 0 ? 1 : 0;
            var last = entry.Length > 0 ? stream.ReadByte() : '\n';
            entry.TrailerNewline = last != '\n';
            await stream.WriteAsync(entry.TrailerNewline ? "\n\n"u8.ToArray() : "\n"u8.ToArray(), cancellationToken);
        }
    }

    public async Task CommitAsync(string accountRoot, ManifestFolder folder, CancellationToken cancellationToken)
    {
        var path = SafeNames.Inside(accountRoot, folder.Path);
        if (_open.TryRemove(path, out var open))
        {
            await AtomicFile.CommitAsync(open.Stream, open.Temp, path, null, cancellationToken);
        }
    }

    public void Abort(string accountRoot, ManifestFolder folder)
    {
        var path = SafeNames.Inside(accountRoot, folder.Path);
        if (_open.TryRemove(path, out var open))
        {
            open.Stream.Dispose();
            File.Delete(open.Temp);
        }
    }

    /// <summary>The folder's new file for this run: the part the manifest vouches for, then room for this run's messages.</summary>
    private async Task<(FileStream Stream, string Temp)> OpenAsync(string path, ManifestFolder folder, CancellationToken cancellationToken)
    {
        if (_open.TryGetValue(path, out var open))
        {
            return open;
        }

        AtomicFile.EnsureDirectory(Path.GetDirectoryName(path)!);
        var vouched = folder.Messages.Count == 0 ? 0 : folder.Messages.Max(m => (m.Offset ?? 0) + (m.Length ?? 0) + Trailer(m));
        var stream = AtomicFile.CreateTemp(path, out var temp);
        try
        {
            if (vouched > 0)
            {
                // Only what the manifest names: bytes a killed run appended after it are dropped here.
                await using var existing = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.SequentialScan);
                await CopyPrefixAsync(existing, stream, vouched, cancellationToken);
            }
        }
        catch
        {
            await stream.DisposeAsync();
            File.Delete(temp);
            throw;
        }

        _open[path] = (stream, temp);
        return (stream, temp);
    }

    public async Task CopyOutAsync(string accountRoot, ManifestFolder folder, ManifestMessage message, Stream destination, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(SafeNames.Inside(accountRoot, message.File), FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous);
        file.Position = message.Offset ?? throw new BackupStoreException($"manifest entry for {message.File} has no offset");
        if (file.Length < file.Position + (message.Length ?? 0))
        {
            throw new EndOfStreamException($"{message.File} ends before the message at offset {message.Offset}");
        }

        await MboxrdQuoting.CopyAsync(file, message.Length, destination, quote: false, cancellationToken);
    }

    public IEnumerable<string> MessageFiles(string accountRoot)
    {
        var root = Path.Combine(accountRoot, "mbox");
        return Directory.Exists(root)
            ? Directory.EnumerateFiles(root, "*.mbox", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(accountRoot, f))
            : [];
    }

    private static long Trailer(ManifestMessage message) => message.TrailerNewline ? 2 : 1;

    /// <summary>The mbox separator line; its date is the INTERNALDATE in UTC, in asctime form as mutt expects.</summary>
    private static byte[] FromLine(DateTimeOffset? date) =>
        Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"From MAILER-DAEMON {Utc(date):ddd MMM} {Utc(date).Day,2} {Utc(date):HH:mm:ss yyyy}\n"));

    private static DateTime Utc(DateTimeOffset? date) => (date ?? DateTimeOffset.UnixEpoch).UtcDateTime;

    private static async Task CopyPrefixAsync(Stream source, Stream destination, long count, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        while (count > 0)
        {
            var read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)), cancellationToken);
            if (read == 0)
            {
                throw new BackupStoreException("an mbox file is shorter than its manifest says; run `runbook backup verify` to see which");
            }

            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            count -= read;
        }
    }
}
