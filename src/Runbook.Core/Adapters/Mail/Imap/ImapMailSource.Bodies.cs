using Runbook.Adapters.Mail.Raw;
using Runbook.Errors;

namespace Runbook.Adapters.Mail.Imap;

/// <summary>
/// Large reads over a second, raw connection: one UID FETCH BODY.PEEK[] whose literals are written straight from the
/// socket buffer into the spool, whatever a message's size. Through MailKit every body is buffered and parsed as it
/// arrives, and a body over <see cref="ChunkSize"/> takes a partial FETCH (a round trip) per MiB; on the bench's large
/// account the raw reading cost the machine about 9% less CPU. The connection costs a login, so it opens only for a
/// read of at least <see cref="BodyConnectionBytes"/> or a body over <see cref="ChunkSize"/>, and only where the
/// endpoint's budget allows a second connection (<see cref="MailEndpoint.BodyConnection"/>): an account of small
/// folders keeps its one connection to the old server. Read-only like the rest: EXAMINE, BODY.PEEK.
/// </summary>
internal sealed partial class ImapMailSource
{
    /// <summary>Bytes in one read from which the body connection pays for its login.</summary>
    internal const long BodyConnectionBytes = 4 * 1024 * 1024;

    private readonly MailLogin _login;
    private RawImapConnection? _bodies;
    private string? _bodiesExamined;

    /// <summary>Whether this read goes over the raw body connection (once open, every later read does).</summary>
    internal bool UsesBodyConnection(IReadOnlyList<SourceMessage> messages) =>
        _endpoint.BodyConnection && messages.Count > 0
        && (_bodies is not null || messages.Sum(m => m.Size) >= BodyConnectionBytes || messages.Any(m => m.Size > ChunkSize));

    private async Task CopyRawOverBodyConnectionAsync(string folder, IReadOnlyList<SourceMessage> messages, Func<SourceMessage, Stream> openDestination, CancellationToken cancellationToken)
    {
        _bodies ??= await RawImapConnection.OpenAsync(_endpoint, _login, cancellationToken);
        var byUid = messages.ToDictionary(m => m.Uid);
        var written = 0;
        try
        {
            if (_bodiesExamined != folder)
            {
                await _bodies.ExamineAsync(folder, cancellationToken);
                _bodiesExamined = folder;
            }

            await _bodies.FetchBodiesAsync([.. byUid.Keys], uid =>
            {
                if (!byUid.TryGetValue(uid, out var message))
                {
                    return Stream.Null;
                }

                written++;
                return openDestination(message);
            }, cancellationToken);
        }
        catch
        {
            // A read that failed part-way (a spool write, a cancel, a lost connection) leaves the reply half read:
            // the connection is closed, and the next read opens a fresh one.
            await DisposeBodyConnectionAsync();
            throw;
        }

        if (written != byUid.Count)
        {
            // Expunged since it was described: as MailOperation says it for MailKit's reads, a fresh listing will not include it.
            throw new StepFailedException(
                $"{_endpoint}: message gone while reading {byUid.Count} messages of {folder} ({byUid.Count - written} of {byUid.Count} requested messages): list the folder again",
                retryable: true);
        }
    }

    private async Task DisposeBodyConnectionAsync()
    {
        if (_bodies is not null)
        {
            await _bodies.DisposeAsync();
            (_bodies, _bodiesExamined) = (null, null);
        }
    }
}
