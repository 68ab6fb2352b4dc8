using System.Text;

namespace Runbook.Adapters.Mail.Raw;

/// <summary>Buffered reading: whole lines for replies, raw buffered bytes for bulk data (literals, RETR).</summary>
internal sealed partial class RawChannel
{
    private const int MaxLineLength = 1024 * 1024;

    /// <summary>One line without its CRLF (or bare LF). Call inside <see cref="GuardAsync"/>.</summary>
    public async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        var line = new List<byte>(128);
        while (true)
        {
            if (_start == _end && !await FillAsync(cancellationToken))
            {
                throw new IOException("the server closed the connection");
            }
            var span = _buffer.AsSpan(_start, _end - _start);
            var newline = span.IndexOf((byte)'\n');
            if (newline < 0)
            {
                line.AddRange(span);
                _start = _end;
                if (line.Count > MaxLineLength)
                {
                    throw new IOException("the server sent an over-long line");
                }
                continue;
            }
            line.AddRange(span[..newline]);
            _start += newline + 1;
            if (line.Count > 0 && line[^1] == '\r')
            {
                line.RemoveAt(line.Count - 1);
            }
            // Server text is ASCII by protocol; UTF-8 keeps any 8-bit reason text readable.
            return Encoding.UTF8.GetString([.. line]);
        }
    }

    /// <summary>The bytes buffered so far (reading more when none are), without consuming them; call <see cref="Consume"/>.</summary>
    public async Task<ReadOnlyMemory<byte>> PeekAsync(CancellationToken cancellationToken)
    {
        if (_start == _end && !await FillAsync(cancellationToken))
        {
            throw new IOException("the server closed the connection");
        }
        return _buffer.AsMemory(_start, _end - _start);
    }

    public void Consume(int count) => _start += count;

    public async Task SkipAsync(int count, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            var available = await PeekAsync(cancellationToken);
            var take = Math.Min(count, available.Length);
            Consume(take);
            count -= take;
        }
    }

    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        _start = 0;
        _end = await _stream.ReadAsync(_buffer, cancellationToken);
        return _end > 0;
    }
}
