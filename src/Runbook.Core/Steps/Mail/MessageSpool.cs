using Runbook.Adapters.Mail;

namespace Runbook.Steps.Mail;

/// <summary>
/// Holds one batch of fetched messages as temp files, so memory does not grow with message size and an APPEND retried
/// without a refused keyword can re-read the exact bytes. Files are deleted when the batch is disposed; what a killed
/// run left behind is removed by <see cref="SpoolSweeper"/>.
/// </summary>
internal sealed class MessageSpool : IDisposable
{
    private const int BufferSize = 81920;
    private readonly string _directory;
    private readonly List<string> _files = [];
    private readonly Dictionary<AppendItem, string> _paths = new(ReferenceEqualityComparer.Instance);

    public MessageSpool(string root)
    {
        SpoolSweeper.SweepOnce(root);
        _directory = Path.Combine(root, SpoolSweeper.NewName());
        // The spool holds copies of people's mail: only the running user may enter it.
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(_directory);
        }
        else
        {
            Directory.CreateDirectory(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>Fetches the messages' exact bytes into one file each and returns items that re-open those files.</summary>
    public async Task<IReadOnlyList<AppendItem>> SpoolAsync(
        IMailSource source, string folder, IReadOnlyList<SourceMessage> messages, CancellationToken cancellationToken)
    {
        var paths = new Dictionary<SourceMessage, (string Path, InspectingStream Stream)>(ReferenceEqualityComparer.Instance);
        await source.CopyRawManyAsync(folder, messages, message =>
        {
            var path = Path.Combine(_directory, _files.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            _files.Add(path);
            // Hashed and inspected on the way in, so checking what the new server stored costs no second read.
            var stream = new InspectingStream(new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous));
            paths[message] = (path, stream);
            return stream;
        }, cancellationToken);

        // A message expunged on the source between listing and fetch has no file: it is gone and no longer listed.
        var items = messages.Where(paths.ContainsKey).Select(m => Item(m, paths[m].Path, paths[m].Stream.Result)).ToList();
        foreach (var item in items)
        {
            _paths[item] = paths[item.Source].Path;
        }

        return items;
    }

    /// <summary>The spool file behind an item of this spool, or null.</summary>
    public string? PathOf(AppendItem item) => _paths.GetValueOrDefault(item);

    /// <summary>An item with other bytes (a repaired message), spooled beside the original one, inspected again.</summary>
    public AppendItem Replace(AppendItem item, byte[] bytes)
    {
        var path = Path.Combine(_directory, _files.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _files.Add(path);
        var stream = new InspectingStream(new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize));
        using (stream)
        {
            stream.Write(bytes);
        }

        var replaced = Item(item.Source, path, stream.Result);
        _paths[replaced] = path;
        return replaced;
    }

    private static AppendItem Item(SourceMessage message, string path, ContentInspection? inspection) => new()
    {
        Inspection = inspection,
        Source = message,
        Size = new FileInfo(path).Length,
        OpenContent = () => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan),
        Flags = [.. message.Flags.Where(f => !string.Equals(f, "Recent", StringComparison.OrdinalIgnoreCase))],
        Keywords = message.Keywords,
        InternalDate = message.InternalDate,
    };

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
