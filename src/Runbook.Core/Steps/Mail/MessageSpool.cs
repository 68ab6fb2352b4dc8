using Runbook.Adapters.Mail;

namespace Runbook.Steps.Mail;

/// <summary>
/// Holds one batch of fetched messages as temp files, so memory does not grow with message size and an APPEND retried
/// without a refused keyword can re-read the exact bytes. Files are deleted when the batch is disposed.
/// </summary>
internal sealed class MessageSpool : IDisposable
{
    private const int BufferSize = 81920;
    private readonly string _directory;
    private readonly List<string> _files = [];

    public MessageSpool(string root)
    {
        _directory = Path.Combine(root, "runbook-spool-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    /// <summary>Fetches the message's exact bytes into a file and returns an item that re-opens that file.</summary>
    public async Task<AppendItem> SpoolAsync(IMailSource source, string folder, SourceMessage message, CancellationToken cancellationToken)
    {
        var path = Path.Combine(_directory, _files.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _files.Add(path);
        long length;
        var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous);
        await using (stream)
        {
            await source.CopyRawAsync(folder, message, stream, cancellationToken);
            await stream.FlushAsync(cancellationToken);
            length = stream.Length;
        }

        return new AppendItem
        {
            Source = message,
            Size = length,
            OpenContent = () => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan),
            Flags = [.. message.Flags.Where(f => !string.Equals(f, "Recent", StringComparison.OrdinalIgnoreCase))],
            Keywords = message.Keywords,
            InternalDate = message.InternalDate,
        };
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover spool file holds a copy of mail; it lives under the temp root and is retried next time.
        }
    }
}
