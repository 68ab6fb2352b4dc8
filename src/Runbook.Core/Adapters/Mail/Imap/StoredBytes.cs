using System.Security.Cryptography;

namespace Runbook.Adapters.Mail.Imap;

/// <summary>Reads a stored message once: its SHA-256, and its bytes when small enough to show what changed.</summary>
internal static class StoredBytes
{
    /// <summary>Bytes kept to describe a difference; larger messages are only hashed.</summary>
    public const int KeepLimit = 256 * 1024;

    public static async Task<StoredMessage> ReadAsync(uint uid, Stream stream, CancellationToken cancellationToken)
    {
        await using var sink = new Sink();
        await stream.CopyToAsync(sink, 81920, cancellationToken);
        return sink.Stored(uid);
    }

    /// <summary>A stream the stored bytes are written into (a raw FETCH pushes them): hashed as they pass, kept up to <see cref="KeepLimit"/>.</summary>
    internal sealed class Sink : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private readonly MemoryStream _kept = new();
        private byte[]? _sha256;
        private long _size;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _size;
        public override long Position { get => _size; set => throw new NotSupportedException(); }

        /// <summary>What was written, once the stream is done (disposed or not).</summary>
        public StoredMessage Stored(uint uid)
        {
            _sha256 ??= _hash.GetHashAndReset();
            return new StoredMessage(uid, _size, _sha256, _size <= KeepLimit ? _kept.ToArray() : null);
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _hash.AppendData(buffer);
            if (_size + buffer.Length <= KeepLimit)
            {
                _kept.Write(buffer);
            }
            _size += buffer.Length;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _sha256 ??= _hash.GetHashAndReset();
                _hash.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
