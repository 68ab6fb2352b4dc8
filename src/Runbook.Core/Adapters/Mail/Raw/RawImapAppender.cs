using Runbook.Errors;

namespace Runbook.Adapters.Mail.Raw;

/// <summary>
/// Byte-exact APPEND/MULTIAPPEND over a <see cref="RawImapConnection"/>. Refusals become results; only a lost
/// connection, throttling or a missing folder throw.
/// </summary>
internal sealed class RawImapAppender(RawImapConnection connection, long? appendLimit)
{
    private static readonly HashSet<string> SizeCodes = ["TOOBIG", "LIMIT", "OVERQUOTA"];
    private static readonly HashSet<string> ThrottleCodes = ["UNAVAILABLE", "INUSE"];

    public async Task<IReadOnlyList<AppendResult>> AppendAsync(string mailbox, IReadOnlyList<AppendItem> batch, CancellationToken cancellationToken)
    {
        var results = new AppendResult?[batch.Count];
        var attempts = new List<(int Index, AppendAttempt Attempt)>();
        for (var i = 0; i < batch.Count; i++)
        {
            if (appendLimit is { } limit && batch[i].Size > limit)
            {
                results[i] = Rejected(batch[i], $"message is {batch[i].Size} bytes; the server's APPENDLIMIT is {limit}");
            }
            else
            {
                attempts.Add((i, AppendAttempt.From(batch[i])));
            }
        }
        if (attempts.Count > 1 && connection.Has("MULTIAPPEND"))
        {
            var response = await new AppendCommand(connection, mailbox).SendAsync(attempts.Select(a => a.Attempt).ToList(), cancellationToken);
            if (response.Status == ImapStatus.Ok)
            {
                var uids = response.AppendUids();
                for (var k = 0; k < attempts.Count; k++)
                {
                    results[attempts[k].Index] = Stored(attempts[k].Attempt, uids.Count == attempts.Count ? uids[k] : null);
                }
                return [.. results!];
            }
            ThrowIfNotMessageLevel(response, mailbox);
            // MULTIAPPEND is atomic: nothing was stored. One by one finds the culprit and stores the rest.
        }
        foreach (var (index, attempt) in attempts)
        {
            results[index] = await AppendOneAsync(mailbox, attempt, cancellationToken);
        }
        return [.. results!];
    }

    private async Task<AppendResult> AppendOneAsync(string mailbox, AppendAttempt first, CancellationToken cancellationToken)
    {
        ImapTaggedResponse? last = null;
        foreach (var attempt in new[] { first }.Concat(first.Fallbacks()))
        {
            var response = await new AppendCommand(connection, mailbox).SendAsync([attempt], cancellationToken);
            if (response.Status == ImapStatus.Ok)
            {
                var uids = response.AppendUids();
                return Stored(attempt, uids.Count == 1 ? uids[0] : null);
            }
            ThrowIfNotMessageLevel(response, mailbox);
            last = response;
            if (response.Code is { } code && SizeCodes.Contains(code))
            {
                break;
            }
        }
        return Rejected(first.Item, last!.Reason);
    }

    private void ThrowIfNotMessageLevel(ImapTaggedResponse response, string mailbox)
    {
        if (response.Code == "TRYCREATE")
        {
            throw new StepFailedException($"{connection.Endpoint}: folder {mailbox} does not exist on the destination ({response.Reason}): create it first", retryable: false);
        }
        if (response.Code is { } code && ThrottleCodes.Contains(code))
        {
            throw new StepFailedException($"{connection.Endpoint}: server is busy ({response.Reason}): back off and retry", retryable: true);
        }
    }

    private static AppendResult Stored(AppendAttempt attempt, uint? uid) =>
        new(attempt.Item, AppendStatus.Stored, uid, null, attempt.Dropped);

    private static AppendResult Rejected(AppendItem item, string reason) =>
        new(item, AppendStatus.Rejected, null, reason, []);
}
