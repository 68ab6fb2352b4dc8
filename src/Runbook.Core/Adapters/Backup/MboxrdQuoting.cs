namespace Runbook.Adapters.Backup;

/// <summary>
/// mboxrd quoting, streamed: every line matching <c>^&gt;*From </c> gets one more <c>&gt;</c> when written, and loses
/// one when read back, so any message (even one holding "From " lines, or no final newline) comes back byte for byte.
/// Memory stays at one buffer whatever the message size.
/// </summary>
internal static class MboxrdQuoting
{
    private static readonly byte[] From = "From "u8.ToArray();

    /// <summary>Copies <paramref name="length"/> bytes (or all, when null) from <paramref name="source"/>, quoting or unquoting; returns the bytes written.</summary>
    public static async Task<long> CopyAsync(Stream source, long? length, Stream destination, bool quote, CancellationToken cancellationToken)
    {
        var input = new byte[81920];
        var output = new byte[input.Length * 2 + 16];
        var pending = new List<byte>();
        var lineStart = true;
        long written = 0, remaining = length ?? long.MaxValue;
        while (remaining > 0)
        {
            var read = await source.ReadAsync(input.AsMemory(0, (int)Math.Min(input.Length, remaining)), cancellationToken);
            if (read == 0)
            {
                break;
            }

            remaining -= read;
            var count = 0;
            for (var i = 0; i < read; i++)
            {
                var b = input[i];
                if (pending.Count == 0 && !(lineStart && b is (byte)'>' or (byte)'F'))
                {
                    output[count++] = b;
                    lineStart = b == '\n';
                    continue;
                }

                pending.Add(b);
                var quotes = pending.TakeWhile(p => p == '>').Count();
                var rest = pending.Count - quotes;
                if (rest < From.Length && pending.Skip(quotes).SequenceEqual(From.Take(rest)))
                {
                    // Still a possible "From " line (or only '>' so far): wait for more bytes. Flush a long run of '>'.
                    if (pending.Count <= output.Length / 4)
                    {
                        continue;
                    }
                }
                else if (rest == From.Length && pending.Skip(quotes).SequenceEqual(From))
                {
                    if (quote)
                    {
                        output[count++] = (byte)'>';
                    }

                    count = Emit(pending, !quote && quotes > 0 ? 1 : 0, output, count);
                    lineStart = false;
                    continue;
                }

                count = Emit(pending, 0, output, count);
                lineStart = b == '\n';
            }

            if (remaining == 0 || read == 0)
            {
                count = Emit(pending, 0, output, count);
            }

            await destination.WriteAsync(output.AsMemory(0, count), cancellationToken);
            written += count;
        }

        if (pending.Count > 0)
        {
            var count = Emit(pending, 0, output, 0);
            await destination.WriteAsync(output.AsMemory(0, count), cancellationToken);
            written += count;
        }

        return written;
    }

    private static int Emit(List<byte> pending, int skip, byte[] output, int count)
    {
        for (var i = skip; i < pending.Count; i++)
        {
            output[count++] = pending[i];
        }

        pending.Clear();
        return count;
    }
}
