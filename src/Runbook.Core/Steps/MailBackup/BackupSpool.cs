using System.Globalization;
using System.Security.Cryptography;
using Runbook.Adapters.Mail;
using Runbook.Steps.Mail;

namespace Runbook.Steps.MailBackup;

/// <summary>A fetched message in the spool: its exact bytes' file, SHA-256 and length, hashed while they were written.</summary>
internal sealed record SpooledMessage(SourceMessage Source, string Path, string Sha256, long Length)
{
    public Stream Open() => new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
}

/// <summary>
/// One batch of fetched messages as temp files (named like the migration's spool, so its sweeper removes what a killed
/// run left), hashed on the way in: the manifest's SHA-256 costs no second read. Memory stays flat whatever the size.
/// </summary>
internal sealed class BackupSpool : IDisposable
{
    private readonly string _directory;

    public BackupSpool(string root)
    {
        SpoolSweeper.SweepOnce(root);
        _directory = Path.Combine(root, SpoolSweeper.NewName());
        // The spool holds copies of people's mail: only the running user may enter it.
        Adapters.Backup.AtomicFile.EnsureDirectory(_directory);
    }

    public async Task<IReadOnlyList<SpooledMessage>> SpoolAsync(IMailSource source, string folder, IReadOnlyList<SourceMessage> messages, CancellationToken cancellationToken)
    {
        var files = new Dictionary<SourceMessage, (string Path, HashingStream Stream)>(ReferenceEqualityComparer.Instance);
        await source.CopyRawManyAsync(folder, messages, message =>
        {
            var path = Path.Combine(_directory, files.Count.ToString(CultureInfo.InvariantCulture));
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 81920, Options = FileOptions.Asynchronous };
            if (!OperatingSystem.IsWindows())
            {
                // A spool file may become the backup's own file (renamed into a Maildir): owner-only from the start.
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            var stream = new HashingStream(new FileStream(path, options));
            files[message] = (path, stream);
            return stream;
        }, cancellationToken);

        // A message expunged between index and fetch has no file: it is left for the next run's index to settle.
        return [.. messages.Where(files.ContainsKey).Select(m => new SpooledMessage(m, files[m].Path, files[m].Stream.Sha256, files[m].Stream.Length))];
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for SpoolSweeper on the next run.
        }
    }

    /// <summary>Writes through to a file and hashes what passes; the hash is final once the stream is disposed.</summary>
    private sealed class HashingStream(Stream inner) : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _length;

        public string Sha256 { get; private set; } = "";
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _hash.AppendData(buffer);
            _length += buffer.Length;
            inner.Write(buffer);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _hash.AppendData(buffer.Span);
            _length += buffer.Length;
            await inner.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() => inner.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing && Sha256.Length == 0)
            {
                Sha256 = Convert.ToHexStringLower(_hash.GetHashAndReset());
                _hash.Dispose();
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            if (Sha256.Length == 0)
            {
                Sha256 = Convert.ToHexStringLower(_hash.GetHashAndReset());
                _hash.Dispose();
                await inner.DisposeAsync();
            }

            await base.DisposeAsync();
        }
    }
}
