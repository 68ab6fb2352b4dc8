using Runbook.Adapters.Mail.Connection;
using Runbook.Errors;

namespace Runbook.Adapters.Mail.Pop3;

/// <summary>Reading a mailbox's identities: UIDL, and header blocks in pipelined bursts.</summary>
internal sealed partial class RawPop3Session
{
    /// <summary>At most this many header bytes are kept per message: any sane header block fits.</summary>
    public const int HeaderCap = 256 * 1024;

    /// <summary>Commands sent in one burst when the server offers PIPELINING; bounds what is in flight on a slow link.</summary>
    public const int PipelineWindow = 50;

    /// <summary>
    /// The UIDL listing ("n uid" by message number). Sent whether or not CAPA lists UIDL (or the server has no CAPA),
    /// since many servers implement it without announcing it; only a <c>-ERR</c> to the command means there is none,
    /// and that is a non-retryable <see cref="StepFailedException"/> (messages cannot be identified across runs).
    /// </summary>
    public async Task<IReadOnlyList<(int Number, string Value)>> UidlAsync(CancellationToken cancellationToken)
    {
        var reply = await CommandAsync("UIDL", cancellationToken);
        if (!reply.Ok && !MailConnectionErrors.IsBusy(reply.Text))
        {
            throw new StepFailedException($"{Endpoint}: the POP3 server has no UIDL ({reply.Text}); messages cannot be identified across runs", retryable: false);
        }

        ThrowIfRefused("UIDL", reply);
        return await ReadListingAsync(cancellationToken);
    }

    /// <summary>
    /// Writes each message's header block to the stream <paramref name="open"/> returns for its number: <c>TOP n 0</c>
    /// when the server offers TOP, else the start of <c>RETR n</c> (the header block is the part before the first
    /// empty line). At most <see cref="HeaderCap"/> bytes per message are written; the rest is read and dropped.
    /// <paramref name="open"/> is called once per message, in the order of <paramref name="messages"/>, just before
    /// that message's bytes are written; the session neither rewinds nor disposes the stream. With PIPELINING the
    /// commands go out in bursts of <see cref="PipelineWindow"/>, else one round trip each. A <c>-ERR</c> for one
    /// message (say, gone since LIST) fails the call with a non-retryable <see cref="StepFailedException"/> once the
    /// replies in flight are read, so the session stays usable; a busy reply fails it as retryable.
    /// </summary>
    public async Task ReadHeadersAsync(IReadOnlyList<(int Number, long Size)> messages, Func<int, Stream> open, CancellationToken cancellationToken)
    {
        var top = Has("TOP");
        var window = Has("PIPELINING") ? PipelineWindow : 1;
        for (var start = 0; start < messages.Count; start += window)
        {
            var burst = messages.Skip(start).Take(window).ToList();
            foreach (var (number, _) in burst)
            {
                await _channel.WriteAsync((top ? $"TOP {number} 0" : $"RETR {number}") + "\r\n", cancellationToken);
            }

            await _channel.FlushAsync(cancellationToken);
            (string Command, (bool Ok, string Text) Reply)? refused;
            try
            {
                refused = await ReadBurstAsync(burst, top, open, cancellationToken);
            }
            catch
            {
                // Replies of the burst may still be on their way: the session cannot tell them apart any more.
                _channel.MarkBroken();
                throw;
            }

            if (refused is { } failure)
            {
                ThrowIfRefused(failure.Command, failure.Reply);
            }
        }
    }

    /// <summary>Reads one reply per message of the burst, in order; returns the first refusal, after reading every reply.</summary>
    private async Task<(string Command, (bool Ok, string Text) Reply)?> ReadBurstAsync(
        List<(int Number, long Size)> burst, bool top, Func<int, Stream> open, CancellationToken cancellationToken)
    {
        (string Command, (bool Ok, string Text) Reply)? refused = null;
        foreach (var (number, size) in burst)
        {
            var command = top ? $"TOP {number} 0" : $"RETR {number}";
            var reply = await ReadStatusAsync(cancellationToken);
            if (!reply.Ok)
            {
                refused ??= (command, reply);
                continue;
            }

            using var head = new HeadCaptureStream(HeaderCap);
            await ReadMultilineAsync(command, top ? null : size, head, cancellationToken);
            var destination = open(number);
            head.Position = 0;
            await head.CopyToAsync(destination, cancellationToken);
        }

        return refused;
    }
}
