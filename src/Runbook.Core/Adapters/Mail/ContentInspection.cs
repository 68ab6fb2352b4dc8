using System.Buffers;
using System.Security.Cryptography;

namespace Runbook.Adapters.Mail;

/// <summary>What a message's bytes hold that some servers change on APPEND (RFC 5322 and RFC 3501 forbid or restrict them).</summary>
[Flags]
internal enum ContentRisk
{
    None = 0,
    EightBitHeader = 1,
    BareCrOrLf = 2,
    Nul = 4,
    LongLine = 8,
    NoHeaderSeparator = 16,
}

/// <summary>The SHA-256 of a message's bytes and its risks, taken as the bytes are written to the spool (no second read).</summary>
internal sealed record ContentInspection(byte[] Sha256, ContentRisk Risks);

/// <summary>A write-through stream that hashes and inspects what passes through it on its way to <paramref name="inner"/>.</summary>
internal sealed class InspectingStream(Stream inner) : Stream
{
    private const int MaxLine = 998;
    private static readonly SearchValues<byte> Special = SearchValues.Create([(byte)'\r', (byte)'\n', 0]);
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private ContentRisk _risks;
    private bool _inHeader = true;
    private int _lineLength;
    private byte _previous;
    private bool _lineWasEmpty = true;

    /// <summary>The hash and risks, known once the stream is disposed (the source adapter disposes it after the last byte).</summary>
    public ContentInspection? Result { get; private set; }

    private ContentInspection Finish()
    {
        if (_previous == (byte)'\r')
        {
            _risks |= ContentRisk.BareCrOrLf;
        }

        return new ContentInspection(_hash.GetHashAndReset(), _inHeader ? _risks | ContentRisk.NoHeaderSeparator : _risks);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _hash.AppendData(buffer);
        Inspect(buffer);
        inner.Write(buffer);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _hash.AppendData(buffer.Span);
        Inspect(buffer.Span);
        await inner.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>
    /// Inspects a run of bytes: between CR, LF and NUL only the line length grows (and 8-bit bytes matter in the
    /// header), so those runs are measured whole (vectorised) and only the special bytes go one by one. A message
    /// passes here on its way to the spool: byte by byte this was an eighth of Runbook's CPU in a copy.
    /// </summary>
    private void Inspect(ReadOnlySpan<byte> span)
    {
        while (!span.IsEmpty)
        {
            var special = span.IndexOfAny(Special);
            var run = special < 0 ? span : span[..special];
            if (!run.IsEmpty)
            {
                if (_previous == (byte)'\r')
                {
                    _risks |= ContentRisk.BareCrOrLf;
                }

                if (_inHeader && run.IndexOfAnyInRange((byte)0x80, (byte)0xFF) >= 0)
                {
                    _risks |= ContentRisk.EightBitHeader;
                }

                _lineLength += run.Length;
                if (_lineLength > MaxLine)
                {
                    _risks |= ContentRisk.LongLine;
                }

                _lineWasEmpty = false;
                _previous = run[^1];
            }

            if (special < 0)
            {
                return;
            }

            Inspect(span[special]);
            span = span[(special + 1)..];
        }
    }

    private void Inspect(byte b)
    {
        if (_previous == (byte)'\r' && b != (byte)'\n')
        {
            _risks |= ContentRisk.BareCrOrLf;
        }

        switch (b)
        {
            case (byte)'\n':
                if (_previous != (byte)'\r')
                {
                    _risks |= ContentRisk.BareCrOrLf;
                }

                // An empty line ends the header block (also when line endings are bare LF).
                if (_lineWasEmpty && _inHeader)
                {
                    _inHeader = false;
                }

                _lineLength = 0;
                _lineWasEmpty = true;
                break;
            case (byte)'\r':
                break;
            default:
                if (b == 0)
                {
                    _risks |= ContentRisk.Nul;
                }
                else if (b >= 0x80 && _inHeader)
                {
                    _risks |= ContentRisk.EightBitHeader;
                }

                if (++_lineLength > MaxLine)
                {
                    _risks |= ContentRisk.LongLine;
                }

                _lineWasEmpty = false;
                break;
        }

        _previous = b;
    }

    public override void Flush() => inner.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => inner.Length;
    public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Result ??= Finish();
            inner.Dispose();
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        Result ??= Finish();
        await inner.DisposeAsync();
        _hash.Dispose();
        GC.SuppressFinalize(this);
    }
}
