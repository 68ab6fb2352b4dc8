using System.Buffers;
using Runbook.Errors;

namespace Runbook.Adapters.Mail.Raw;

/// <summary>
/// Writes one APPEND (several messages = MULTIAPPEND) streaming each item's exact bytes as a literal.
/// Small literals go non-synchronising (LITERAL+) for speed; large ones wait for "+" so a refusal costs no bytes.
/// </summary>
internal sealed class AppendCommand(RawImapConnection connection, string mailbox)
{
    internal const long NonSynchronizingMax = 1024 * 1024;
    private const int BufferSize = 64 * 1024;

    public async Task<ImapTaggedResponse> SendAsync(IReadOnlyList<AppendAttempt> attempts, CancellationToken cancellationToken)
    {
        try
        {
            return await SendCoreAsync(attempts, cancellationToken);
        }
        catch (Exception e) when (e is not StepFailedException)
        {
            // Failed mid-command (content unreadable, cancelled): the session cannot be resynchronised.
            connection.MarkBroken();
            throw;
        }
    }

    private async Task<ImapTaggedResponse> SendCoreAsync(IReadOnlyList<AppendAttempt> attempts, CancellationToken cancellationToken)
    {
        var tag = connection.NextTag();
        var prefix = $"{tag} APPEND {ImapSyntax.Mailbox(mailbox)}";
        foreach (var attempt in attempts)
        {
            var item = attempt.Item;
            await using var content = item.OpenContent();
            CheckLength(content, item);
            var plus = NonSynchronizing(item.Size);
            await connection.WriteAsync($"{prefix}{Arguments(attempt)} {{{item.Size}{(plus ? "+" : "")}}}\r\n", cancellationToken);
            prefix = "";
            if (!plus)
            {
                await connection.FlushAsync(cancellationToken);
                if (await connection.WaitForContinuationAsync(tag, cancellationToken) is { } refused)
                {
                    return refused;
                }
            }
            await CopyExactlyAsync(content, item, cancellationToken);
        }
        await connection.WriteAsync("\r\n", cancellationToken);
        await connection.FlushAsync(cancellationToken);
        return await connection.ReadTaggedAsync(tag, null, cancellationToken);
    }

    private static string Arguments(AppendAttempt attempt)
    {
        var flags = ImapSyntax.FlagList(attempt.Flags, attempt.Keywords);
        var date = attempt.Item.InternalDate is { } d ? " " + ImapSyntax.DateTime(d) : "";
        return (flags is null ? "" : " " + flags) + date;
    }

    private bool NonSynchronizing(long size) =>
        (connection.Has("LITERAL+") && size <= NonSynchronizingMax) || (connection.Has("LITERAL-") && size <= 4096);

    private void CheckLength(Stream content, AppendItem item)
    {
        if (content.CanSeek && content.Length - content.Position != item.Size)
        {
            Abort(item, content.Length - content.Position);
        }
    }

    private async Task CopyExactlyAsync(Stream content, AppendItem item, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            var remaining = item.Size;
            while (remaining > 0)
            {
                var read = await content.ReadAsync(buffer.AsMemory(0, (int)Math.Min(BufferSize, remaining)), cancellationToken);
                if (read == 0)
                {
                    Abort(item, item.Size - remaining);
                }
                await connection.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                remaining -= read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The literal's announced size is wrong: the command cannot be finished, so the connection is dropped (nothing is stored).</summary>
    private void Abort(AppendItem item, long actual)
    {
        connection.MarkBroken();
        throw new StepFailedException(
            $"{connection.Endpoint}: content of source message {item.Source.SourceId} is {actual} bytes, but {item.Size} were announced; nothing was stored",
            retryable: false);
    }
}
