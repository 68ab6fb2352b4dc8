namespace Runbook.Adapters.Mail.Pop3;

/// <summary>Undoes what POP3's framing adds to a message's bytes.</summary>
internal static class Pop3Retr
{
    /// <summary>
    /// POP3 ends every message with CRLF "." CRLF, so a server must add a CRLF to a message without a final newline
    /// (Dovecot does: its LIST size is exact, RETR is 2 bytes longer). When the retrieved bytes are exactly the
    /// listed size plus a trailing CRLF, that CRLF is the framing and is dropped; otherwise every byte is kept.
    /// </summary>
    public static async Task<long> ExactLengthAsync(Stream retrieved, long listedSize, CancellationToken cancellationToken)
    {
        if (!retrieved.CanSeek || retrieved.Length != listedSize + 2)
        {
            return retrieved.CanSeek ? retrieved.Length : long.MaxValue;
        }
        var start = retrieved.Position;
        retrieved.Seek(-2, SeekOrigin.End);
        var tail = new byte[2];
        await retrieved.ReadExactlyAsync(tail, cancellationToken);
        retrieved.Position = start;
        return tail is [(byte)'\r', (byte)'\n'] ? listedSize : retrieved.Length;
    }

    public static async Task CopyAsync(Stream source, Stream destination, long length, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        while (length > 0)
        {
            var read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, length)), cancellationToken);
            if (read == 0)
            {
                return;
            }
            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            length -= read;
        }
    }
}
