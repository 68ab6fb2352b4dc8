using Runbook.Adapters.Mail;
using Runbook.Engine;

namespace Runbook.Steps.Mail;

internal sealed partial class FolderCopier
{
    /// <summary>
    /// Appends the missing messages in batches, fetching batch n+1 from the old server while batch n is appended to the
    /// new one, and reading back what batch n-1 stored (on another connection to the new server) meanwhile too; the
    /// last batch's read-back has the appending connection to itself. Each batch's stored messages go into the ledger
    /// in one transaction once its read-back is judged; a crash between the APPEND and that write is healed by the next
    /// pass, which finds those copies by content.
    /// </summary>
    private async Task<FolderResult> CopyAsync(Unit unit, Target target, IReadOnlyList<SourceMessage> missing, FolderResult result, CancellationToken cancellationToken)
    {
        var tally = new CopyTally();
        var batches = Batches(missing).ToList();
        var pending = batches.Count > 0 ? SpoolAsync(unit, batches[0], cancellationToken) : null;
        Appended? previous = null;
        try
        {
            for (var b = 0; b < batches.Count; b++)
            {
                var spooled = await pending!;
                pending = b + 1 < batches.Count ? SpoolAsync(unit, batches[b + 1], cancellationToken) : null;
                var handedOver = false;
                try
                {
                    var outcomes = await AppendAsync(unit, spooled, cancellationToken);
                    // One read-back at a time: the listing connection serves one command at a time.
                    (var settling, previous) = (previous, null);
                    await SettleAsync(unit, target, settling, tally, cancellationToken);
                    previous = new Appended(spooled, outcomes, ReadStoredAsync(unit, outcomes, appendsFollow: b + 1 < batches.Count, cancellationToken));
                    handedOver = true;
                }
                finally
                {
                    if (!handedOver)
                    {
                        spooled.Dispose();
                    }
                }
            }

            (var last, previous) = (previous, null);
            await SettleAsync(unit, target, last, tally, cancellationToken);
        }
        finally
        {
            await DiscardAsync(pending);
            if (previous is not null)
            {
                await previous.DisposeAsync();
            }
        }

        return result with { Copied = tally.Copied, CopiedBytes = tally.CopiedBytes, Rejected = tally.Rejected, Altered = tally.Altered, Repaired = tally.Repaired };
    }

    /// <summary>A batch appended, its spool kept until its read-back is judged (a difference is shown from the sent bytes).</summary>
    private sealed class Appended(SpooledBatch spooled, IReadOnlyList<AppendResult> outcomes, Task<IReadOnlyDictionary<uint, StoredMessage>> stored) : IAsyncDisposable
    {
        public IReadOnlyList<AppendResult> Outcomes => outcomes;
        public Task<IReadOnlyDictionary<uint, StoredMessage>> Stored => stored;

        public async ValueTask DisposeAsync()
        {
            // When the pass failed the read-back may still run: it is waited for, so nothing reads files a next batch overwrites.
            try
            {
                await stored;
            }
#pragma warning disable CA1031 // The failure that ended the pass is the one to report.
            catch (Exception)
#pragma warning restore CA1031
            {
            }

            spooled.Dispose();
        }
    }

    private sealed class CopyTally
    {
        public int Copied { get; set; }
        public long CopiedBytes { get; set; }
        public int Rejected { get; set; }
        public int Altered { get; set; }
        public int Repaired { get; set; }
    }

    /// <summary>Judges a batch's read-back and writes its stored messages into the ledger; then (or on failure) its spool goes.</summary>
    private async Task SettleAsync(Unit unit, Target target, Appended? batch, CopyTally tally, CancellationToken cancellationToken)
    {
        if (batch is null)
        {
            return;
        }

        await using var _ = batch;
        var altered = await CheckStoredAsync(unit, batch.Outcomes, await batch.Stored, cancellationToken);
        var entries = new List<LedgerEntry>();
        foreach (var outcome in batch.Outcomes)
        {
            if (outcome.Status != AppendStatus.Stored)
            {
                // Not in the ledger: tried (and reported) again next pass.
                tally.Rejected++;
                continue;
            }

            var changed = altered.Contains(outcome.Item.Source);
            tally.Copied += changed ? 0 : 1;
            tally.Altered += changed ? 1 : 0;
            tally.CopiedBytes += changed ? 0 : outcome.Item.Size;
            // Without UIDPLUS the UID is unknown (0): the next pass finds this copy by content and fills it in.
            var entry = Entry(unit, target, outcome.Item.Source, outcome.Uid ?? 0, changed ? LedgerHow.Altered : LedgerHow.Copied);
            if (!changed && _repaired.TryGetValue(outcome.Item.Source, out var repairedIdentity))
            {
                // Both identities: the source's, and the repaired copy's, so each can be traced to the other.
                entry = entry with { How = LedgerHow.Repaired, Identity = $"{entry.Identity} repaired {repairedIdentity}" };
                tally.Repaired++;
            }

            entries.Add(entry);
        }

        await ledger.RecordAsync(entries, cancellationToken);
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
