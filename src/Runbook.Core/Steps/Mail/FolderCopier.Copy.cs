using Runbook.Adapters.Mail;
using Runbook.Engine;

namespace Runbook.Steps.Mail;

internal sealed partial class FolderCopier
{
    /// <summary>
    /// Appends the missing messages in batches, fetching batch n+1 from the old server while batch n is appended to the
    /// new one (separate connections). Each batch's stored messages go into the ledger in one transaction; a crash
    /// between the APPEND and that write is healed by the next pass, which finds those copies by content.
    /// </summary>
    private async Task<FolderResult> CopyAsync(Unit unit, Target target, IReadOnlyList<SourceMessage> missing, FolderResult result, CancellationToken cancellationToken)
    {
        var copied = 0;
        var copiedBytes = 0L;
        var rejected = 0;
        var alteredCount = 0;
        var repaired = 0;
        var batches = Batches(missing).ToList();
        var pending = batches.Count > 0 ? SpoolAsync(unit, batches[0], cancellationToken) : null;
        try
        {
            for (var b = 0; b < batches.Count; b++)
            {
                using var spooled = await pending!;
                pending = b + 1 < batches.Count ? SpoolAsync(unit, batches[b + 1], cancellationToken) : null;
                var entries = new List<LedgerEntry>();
                var outcomes = await AppendAsync(unit, spooled, cancellationToken);
                var altered = await CheckStoredAsync(unit, outcomes, cancellationToken);
                foreach (var outcome in outcomes)
                {
                    if (outcome.Status != AppendStatus.Stored)
                    {
                        // Not in the ledger: tried (and reported) again next pass.
                        rejected++;
                        continue;
                    }

                    var changed = altered.Contains(outcome.Item.Source);
                    copied += changed ? 0 : 1;
                    alteredCount += changed ? 1 : 0;
                    copiedBytes += changed ? 0 : outcome.Item.Size;
                    // Without UIDPLUS the UID is unknown (0): the next pass finds this copy by content and fills it in.
                    var entry = Entry(unit, target, outcome.Item.Source, outcome.Uid ?? 0, changed ? LedgerHow.Altered : LedgerHow.Copied);
                    if (!changed && _repaired.TryGetValue(outcome.Item.Source, out var repairedIdentity))
                    {
                        // Both identities: the source's, and the repaired copy's, so each can be traced to the other.
                        entry = entry with { How = LedgerHow.Repaired, Identity = $"{entry.Identity} repaired {repairedIdentity}" };
                        repaired++;
                    }

                    entries.Add(entry);
                }

                await ledger.RecordAsync(entries, cancellationToken);
            }
        }
        finally
        {
            await DiscardAsync(pending);
        }

        return result with { Copied = copied, CopiedBytes = copiedBytes, Rejected = rejected, Altered = alteredCount, Repaired = repaired };
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
