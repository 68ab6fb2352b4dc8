namespace Runbook.Steps.Mail;

/// <summary>
/// A message's bytes held in memory as chunks that each stay under the large object heap's threshold (85,000 bytes).
/// The spool used to hold a message of up to 256 KiB as one array, written through a MemoryStream of its size and
/// copied out of it: two large-object allocations per message over 85,000 bytes, which only a full collection frees.
/// Chunks are ordinary young objects, collected as soon as the batch is done (8 large mailboxes copied at once peaked
/// 5-10 MB lower; docs/benchmarks.md). Written once through <see cref="Writer"/>, then read by any number of
/// <see cref="OpenRead"/> streams.
/// </summary>
internal sealed class ChunkedBytes
{
    /// <summary>The largest chunk: 64 KiB, under the 85,000 bytes at which an array goes to the large object heap.</summary>
    internal const int MaxChunk = 64 * 1024;
    private const int MinChunk = 4 * 1024;
    private readonly List<byte[]> _chunks = [];
    private readonly long _expected;
    private int _used;

    /// <param name="expectedSize">The size the source announced; chunks are cut to it (4 KiB at least), so a small message costs little more than its bytes.</param>
    public ChunkedBytes(long expectedSize)
    {
        _expected = expectedSize;
        Writer = new WriteStream(this);
    }

    /// <summary>The stream the message is written to; its length is the message's.</summary>
    public Stream Writer { get; }

    /// <summary>Bytes written.</summary>
    public long Length { get; private set; }

    /// <summary>The chunks' sizes (for tests: each at most <see cref="MaxChunk"/>).</summary>
    internal IEnumerable<int> ChunkSizes => _chunks.Select(c => c.Length);

    /// <summary>A read-only, seekable stream over the bytes written, independent of any other reader.</summary>
    public Stream OpenRead() => new ReadStream(this);

    /// <summary>The bytes as one array (a repair reads the whole message; rare).</summary>
    public byte[] ToArray()
    {
        var bytes = new byte[Length];
        using var reader = OpenRead();
        reader.ReadExactly(bytes);
        return bytes;
    }

    private void Write(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            if (_chunks.Count == 0 || _used == _chunks[^1].Length)
            {
                // Sized to what the source still announced, so the last chunk is not mostly empty; a message longer
                // than announced (a server's size is a hint) just gets more chunks. Only the last chunk is ever part-full.
                _chunks.Add(new byte[(int)Math.Clamp(_expected - Length, MinChunk, MaxChunk)]);
                _used = 0;
            }

            var take = Math.Min(_chunks[^1].Length - _used, bytes.Length);
            bytes[..take].CopyTo(_chunks[^1].AsSpan(_used));
            bytes = bytes[take..];
            _used += take;
            Length += take;
        }
    }

    /// <summary>Copies bytes from <paramref name="position"/> into <paramref name="destination"/>; returns how many.</summary>
    private int Read(long position, Span<byte> destination)
    {
        var copied = 0;
        var start = 0L;
        foreach (var chunk in _chunks)
        {
            if (copied == destination.Length || start >= Length)
            {
                break;
            }

            var end = Math.Min(start + chunk.Length, Length);
            if (position < end)
            {
                var from = (int)(position - start);
                var take = (int)Math.Min(end - position, destination.Length - copied);
                chunk.AsSpan(from, take).CopyTo(destination[copied..]);
                copied += take;
                position += take;
            }

            start += chunk.Length;
        }

        return copied;
    }

    private sealed class WriteStream(ChunkedBytes owner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => owner.Length;
        public override long Position { get => owner.Length; set => throw new NotSupportedException(); }
        public override void Write(byte[] buffer, int offset, int count) => owner.Write(buffer.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> buffer) => owner.Write(buffer);
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            owner.Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            owner.Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    private sealed class ReadStream(ChunkedBytes owner) : Stream
    {
        private long _position;
        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => owner.Length;
        public override long Position
        {
            get => _position;
            set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            var read = owner.Read(_position, buffer);
            _position += read;
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => owner.Length + offset,
        };

        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
