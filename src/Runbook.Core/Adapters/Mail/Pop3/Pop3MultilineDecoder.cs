namespace Runbook.Adapters.Mail.Pop3;

/// <summary>
/// Turns a POP3 multi-line reply (RETR, TOP) back into the message's bytes while streaming: removes dot-stuffing,
/// stops at CRLF "." CRLF, and drops the CRLF the framing adds to a message without a final newline
/// (recognised when the decoded size is exactly the LIST size plus a trailing CRLF; Dovecot's LIST size is exact).
/// </summary>
internal sealed class Pop3MultilineDecoder(long? listedSize)
{
    private const int Held = 2;
    private readonly byte[] _out = new byte[64 * 1024];
    private State _state = State.LineStart;
    private int _count;
    private long _flushed;

    private enum State { LineStart, Middle, Dot, DotCr }

    public bool Done { get; private set; }

    /// <summary>True when the output buffer must be flushed before more input can be taken.</summary>
    public bool Full => _count >= _out.Length - 1;

    /// <summary>Decodes as much input as fits; returns how many input bytes were consumed.</summary>
    public int Decode(ReadOnlySpan<byte> input)
    {
        var i = 0;
        for (; i < input.Length && !Done && !Full; i++)
        {
            var b = input[i];
            switch (_state)
            {
                case State.LineStart when b == '.':
                    _state = State.Dot;
                    break;
                case State.Dot when b == '\r':
                    _state = State.DotCr;
                    break;
                case State.DotCr when b == '\n':
                    Done = true;
                    break;
                case State.DotCr:
                    // ".\r" not followed by LF: an un-stuffed line starting with CR; keep both bytes.
                    Emit((byte)'\r');
                    Emit(b);
                    _state = b == '\n' ? State.LineStart : State.Middle;
                    break;
                default:
                    // LineStart, Middle, or Dot followed by anything else (the stuffed dot is dropped).
                    Emit(b);
                    _state = b == '\n' ? State.LineStart : State.Middle;
                    break;
            }
        }
        return i;
    }

    /// <summary>Writes decoded bytes out, holding back the last two until the end decides whether they are framing.</summary>
    public async Task FlushAsync(Stream destination, CancellationToken cancellationToken)
    {
        var keep = Done ? TrailingFraming() : Math.Min(Held, _count);
        var write = _count - keep;
        if (write > 0)
        {
            await destination.WriteAsync(_out.AsMemory(0, write), cancellationToken);
            _flushed += write;
        }
        if (Done)
        {
            _count = 0;
            return;
        }
        _out.AsSpan(write, keep).CopyTo(_out);
        _count = keep;
    }

    private int TrailingFraming() =>
        listedSize is { } size && _flushed + _count == size + 2 && _count >= 2 && _out[_count - 2] == '\r' && _out[_count - 1] == '\n' ? 2 : 0;

    private void Emit(byte b) => _out[_count++] = b;
}
