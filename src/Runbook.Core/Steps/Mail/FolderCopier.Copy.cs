using Runbook.Adapters.Mail;

namespace Runbook.Steps.Mail;

internal sealed partial class FolderCopier
{
    /// <summary>
    /// Appends the missing messages in batches. After each confirmed batch the checkpoint moves to the last message
    /// before the next missing one, but only when that is safe: no rejection so far (a refused message is retried and
    /// reported again next pass), every new copy's UID known (UIDPLUS), and no later message's existing copy below the
    /// new high-water mark (it would fall out of the next pass's index and be copied twice).
    /// </summary>
    private async Task<FolderResult> CopyAsync(
        Scan scan, MatchResult match, FolderResult result, bool useCheckpoints, CancellationToken cancellationToken)
    {
        var entries = scan.Listed;
        var presentUid = new Dictionary<SourceMessage, uint>(ReferenceEqualityComparer.Instance);
        foreach (var (source, uid) in match.Present)
        {
            presentUid[source] = uid;
        }

        var suffixMin = new uint[entries.Count + 1];
        suffixMin[entries.Count] = uint.MaxValue;
        for (var i = entries.Count - 1; i >= 0; i--)
        {
            suffixMin[i] = Math.Min(suffixMin[i + 1], presentUid.GetValueOrDefault(entries[i], uint.MaxValue));
        }

        var indexOf = new Dictionary<SourceMessage, int>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < entries.Count; i++)
        {
            indexOf[entries[i]] = i;
        }

        var progress = new CheckpointProgress(scan.Checkpoint, useCheckpoints);
        var copied = 0;
        var copiedBytes = 0L;
        var rejected = 0;
        var position = 0;
        var batches = Batches(match.Missing).ToList();
        // Fetching batch n+1 from the old server overlaps appending batch n to the new one (separate connections).
        var pending = batches.Count > 0 ? SpoolAsync(scan.Route, batches[0], cancellationToken) : null;
        try
        {
            for (var b = 0; b < Math.Max(1, batches.Count); b++)
            {
                if (b < batches.Count)
                {
                    using var spooled = await pending!;
                    pending = b + 1 < batches.Count ? SpoolAsync(scan.Route, batches[b + 1], cancellationToken) : null;
                    foreach (var outcome in await AppendAsync(scan.Route, spooled, cancellationToken))
                    {
                        var stored = outcome.Status == AppendStatus.Stored;
                        copied += stored ? 1 : 0;
                        copiedBytes += stored ? outcome.Item.Size : 0;
                        rejected += stored ? 0 : 1;
                        progress.Appended(stored, outcome.Uid);
                    }
                }

                var end = b + 1 < batches.Count ? indexOf[batches[b + 1][0]] : entries.Count;
                for (; position < end; position++)
                {
                    progress.Passed(entries[position], presentUid.TryGetValue(entries[position], out var uid) ? uid : null);
                }

                if (end > 0 && progress.CanSaveBefore(suffixMin[end]))
                {
                    await checkpoints.SaveAsync(account, Unit(scan.Route), progress.ToCheckpoint(scan.UidValidity, options.Pop3), cancellationToken);
                }
            }
        }
        finally
        {
            await DiscardAsync(pending);
        }

        return result with { Copied = copied, CopiedBytes = copiedBytes, Rejected = rejected };
    }

    private IEnumerable<IReadOnlyList<SourceMessage>> Batches(IReadOnlyList<SourceMessage> missing)
    {
        var batch = new List<SourceMessage>();
        var bytes = 0L;
        foreach (var message in missing)
        {
            if (batch.Count > 0 && (batch.Count >= options.BatchSize || bytes + message.Size > options.BatchBytes))
            {
                yield return batch;
                batch = [];
                bytes = 0;
            }

            batch.Add(message);
            bytes += message.Size;
        }

        if (batch.Count > 0)
        {
            yield return batch;
        }
    }
}
