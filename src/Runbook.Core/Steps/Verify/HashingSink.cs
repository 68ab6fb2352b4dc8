using System.Security.Cryptography;

namespace Runbook.Steps.Verify;

/// <summary>
/// A write-only stream that hashes a message as the server streams it (SHA-256 of the exact bytes served) and keeps
/// only its header block (at most <see cref="HeaderLimit"/> bytes) for the decoded subject and sender: memory stays
/// flat whatever the message size.
/// </summary>
internal sealed class HashingSink : Stream
{
    private const int HeaderLimit = 64 * 1024;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly MemoryStream _header = new();
    private bool _headerDone;
    private string? _sha256;

    public long Length64 { get; private set; }

    /// <summary>Lower-case hex SHA-256 of every byte written; final once the adapter disposed the stream.</summary>
    public string Sha256 => _sha256 ??= Convert.ToHexStringLower(_hash.GetHashAndReset());

    public byte[] Header => _header.ToArray();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _hash.AppendData(buffer);
        Length64 += buffer.Length;
        if (!_headerDone)
        {
            Capture(buffer);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    /// <summary>Keeps bytes up to the blank line that ends the header block (LF or CRLF line ends: some messages have bare LF).</summary>
    private void Capture(ReadOnlySpan<byte> buffer)
    {
        var start = (int)Math.Max(0, _header.Length - 3);
        _header.Write(buffer[..Math.Min(buffer.Length, HeaderLimit - (int)_header.Length)]);
        var bytes = _header.GetBuffer().AsSpan(0, (int)_header.Length);
        for (var i = start; i + 1 < bytes.Length; i++)
        {
            if (bytes[i] == '\n' && (bytes[i + 1] == '\n' || (bytes[i + 1] == '\r' && i + 2 < bytes.Length && bytes[i + 2] == '\n')))
            {
                _header.SetLength(i + 1);
                _headerDone = true;
                return;
            }
        }

        _headerDone = _header.Length >= HeaderLimit;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _ = Sha256;
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => Length64;
    public override long Position { get => Length64; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
