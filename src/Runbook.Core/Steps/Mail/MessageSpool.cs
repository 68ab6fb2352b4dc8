using Runbook.Adapters.Mail;

namespace Runbook.Steps.Mail;

/// <summary>
/// Holds one batch of fetched messages so that an APPEND retried without a refused keyword can re-read the exact
/// bytes: small messages in memory, up to <see cref="MemoryBudget"/> per batch, the rest as files, so memory does not
/// grow with message size. The files live in a directory of <see cref="SpoolSlots"/>, taken when the first file is
/// needed and handed back when the batch is disposed; what a killed run left behind is removed by
/// <see cref="SpoolSweeper"/>. Most batches of small mailboxes never touch the disk.
/// </summary>
internal sealed class MessageSpool : IDisposable
{
    /// <summary>A message up to this size may be held in memory.</summary>
    internal const int MemoryMessageLimit = 256 * 1024;
    /// <summary>Bytes held in memory per batch: with three batches per account in flight (read back, appended, fetched), 8 accounts hold at most 24 MiB.</summary>
    internal const int MemoryBudget = 1024 * 1024;
    private const int BufferSize = 81920;
    private readonly string _root;
    private readonly Dictionary<AppendItem, Func<byte[]>> _contents = new(ReferenceEqualityComparer.Instance);
    private string? _directory;
    private int _files;
    private long _inMemory;

    public MessageSpool(string root)
    {
        SpoolSweeper.SweepOnce(root);
        _root = root;
    }

    /// <summary>The spool's directory (private to the running user), taken when the first file needs it; null until then and after disposal.</summary>
    public string? Directory => _directory;

    /// <summary>Fetches the messages' exact bytes, each into memory or a file of its own, and returns items that re-read them.</summary>
    public async Task<IReadOnlyList<AppendItem>> SpoolAsync(
        IMailSource source, string folder, IReadOnlyList<SourceMessage> messages, CancellationToken cancellationToken)
    {
        var spooled = new Dictionary<SourceMessage, (Spooled Where, InspectingStream Stream)>(ReferenceEqualityComparer.Instance);
        await source.CopyRawManyAsync(folder, messages, message =>
        {
            var where = Open(message.Size);
            // Hashed and inspected on the way in, so checking what the new server stored costs no second read.
            var stream = new InspectingStream(where.Stream);
            spooled[message] = (where, stream);
            return stream;
        }, cancellationToken);

        // A message expunged on the source between listing and fetch has nothing spooled: it is gone and no longer listed.
        return [.. messages.Where(spooled.ContainsKey).Select(m => Item(m, spooled[m].Where, spooled[m].Stream.Result))];
    }

    /// <summary>The exact bytes behind an item of this spool, or null when it is not one of its items.</summary>
    public byte[]? BytesOf(AppendItem item) => _contents.TryGetValue(item, out var read) ? read() : null;

    /// <summary>An item with other bytes (a repaired message), spooled beside the original one, inspected again.</summary>
    public AppendItem Replace(AppendItem item, byte[] bytes)
    {
        var where = Open(bytes.Length);
        var stream = new InspectingStream(where.Stream);
        using (stream)
        {
            stream.Write(bytes);
        }

        return Item(item.Source, where, stream.Result);
    }

    /// <summary>Where a message of <paramref name="size"/> bytes (as the source announced it) is written: memory while the budget lasts, else a file.</summary>
    private Spooled Open(long size)
    {
        if (size <= MemoryMessageLimit && _inMemory + size <= MemoryBudget)
        {
            _inMemory += size;
            var memory = new ChunkedBytes(size);
            return new Spooled(null, memory, memory.Writer);
        }

        // A reused slot may hold a file of that name from an earlier batch: it is overwritten in place and cut to what
        // was written, never emptied first (on ext4 a file truncated to zero and written again is flushed on close).
        var path = Path.Combine(EnsureDirectory(), (_files++).ToString(System.Globalization.CultureInfo.InvariantCulture));
        return new Spooled(path, null, new OverwritingFileStream(path, BufferSize));
    }

    private AppendItem Item(SourceMessage message, Spooled where, ContentInspection? inspection)
    {
        var (path, memory) = (where.Path, where.Memory);
        var item = new AppendItem
        {
            Inspection = inspection,
            Source = message,
            Size = memory?.Length ?? new FileInfo(path!).Length,
            OpenContent = memory is not null
                ? memory.OpenRead
                : () => new FileStream(path!, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan),
            Flags = [.. message.Flags.Where(f => !string.Equals(f, "Recent", StringComparison.OrdinalIgnoreCase))],
            Keywords = message.Keywords,
            InternalDate = message.InternalDate,
        };
        _contents[item] = memory is not null ? memory.ToArray : () => File.ReadAllBytes(path!);
        return item;
    }

    private string EnsureDirectory() => _directory ??= SpoolSlots.Take(_root);

    /// <summary>A spooled message: its file or its bytes in memory (one of the two), and the stream they are written to.</summary>
    private sealed record Spooled(string? Path, ChunkedBytes? Memory, Stream Stream);

    /// <summary>Writes over an existing file (or a new one) and, when disposed, cuts it to the bytes written.</summary>
    private sealed class OverwritingFileStream(string path, int bufferSize)
        : FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.None, bufferSize, FileOptions.Asynchronous)
    {
        protected override void Dispose(bool disposing)
        {
            if (disposing && CanWrite)
            {
                Flush();
                SetLength(Position);
            }
            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            if (CanWrite)
            {
                await FlushAsync();
                SetLength(Position);
            }
            await base.DisposeAsync();
        }
    }

    /// <summary>Hands the directory back for the next batch, which overwrites its files.</summary>
    public void Dispose()
    {
        if (_directory is not null)
        {
            SpoolSlots.Return(_root, _directory);
            _directory = null;
        }
    }
}
