using Runbook.Engine;

namespace Runbook.Adapters.State;

internal sealed partial class StateStore
{
    private const string LedgerColumns =
        "account, source_folder, source_uidvalidity, source_id, identity, size, destination_folder, destination_uidvalidity, destination_uid, how, step_id, at";

    public async Task<IReadOnlyList<LedgerEntry>> ReadLedgerAsync(string account, CancellationToken cancellationToken) =>
        await QueryAsync($"SELECT {LedgerColumns} FROM copy_ledger WHERE account = $a", r => new LedgerEntry
        {
            Account = r.GetString(0),
            SourceFolder = r.GetString(1),
            SourceUidValidity = (uint)r.GetInt64(2),
            SourceId = r.GetString(3),
            Identity = r.GetString(4),
            Size = r.GetInt64(5),
            DestinationFolder = r.GetString(6),
            DestinationUidValidity = (uint)r.GetInt64(7),
            DestinationUid = (uint)r.GetInt64(8),
            How = Enum.Parse<LedgerHow>(r.GetString(9), ignoreCase: true),
            StepId = r.GetString(10),
            At = NullableTime(r, 11)!.Value,
        }, cancellationToken, ("$a", account));

    /// <summary>
    /// Writes a batch of entries in one transaction: a batch the new server confirmed is remembered whole or not at all.
    /// Each statement is prepared once per batch and run per entry with new values (parsing it per entry was a tenth of
    /// a pass's CPU when the state was deleted and 10,000 messages were matched).
    /// Relaxed: its commit is not synced on its own (a sync per batch, behind the store's one writer, was an eighth of
    /// a 200-small-account copy). A power cut that loses it is a crash between the APPEND and this write, which the next
    /// pass heals by finding those copies by content; the account's end-of-pass writes are synced, and with them this.
    /// </summary>
    public Task WriteLedgerAsync(string stepId, IReadOnlyList<LedgerEntry> entries, CancellationToken cancellationToken) =>
        entries.Count == 0 ? Task.CompletedTask : InTransactionAsync(async t =>
        {
            var now = Now();
            await using var upsert = Command($"""
                INSERT INTO copy_ledger ({LedgerColumns}) VALUES ($a, $sf, $sv, $sid, $id, $size, $df, $dv, $du, $how, $step, $at)
                ON CONFLICT(account, source_folder, source_uidvalidity, source_id) DO UPDATE SET identity = excluded.identity,
                size = excluded.size, destination_folder = excluded.destination_folder, destination_uidvalidity = excluded.destination_uidvalidity,
                destination_uid = excluded.destination_uid, how = excluded.how, step_id = excluded.step_id, at = excluded.at
                """, t, ("$a", ""), ("$sf", ""), ("$sv", 0L), ("$sid", ""), ("$id", ""), ("$size", 0L), ("$df", ""), ("$dv", 0L),
                ("$du", 0L), ("$how", ""), ("$step", stepId), ("$at", now));
            // A message refused by an earlier pass that is now on the new server is no longer an exception.
            await using var resolve = Command("UPDATE message_exceptions SET resolved_at = $at WHERE id = $id AND kind = 'refused' AND resolved_at IS NULL",
                t, ("$id", ""), ("$at", now));
            foreach (var e in entries)
            {
                Set(upsert, ("$a", e.Account), ("$sf", e.SourceFolder), ("$sv", (long)e.SourceUidValidity), ("$sid", e.SourceId),
                    ("$id", e.Identity), ("$size", e.Size), ("$df", e.DestinationFolder), ("$dv", (long)e.DestinationUidValidity),
                    ("$du", (long)e.DestinationUid), ("$how", e.How.ToString().ToLowerInvariant()));
                await upsert.ExecuteNonQueryAsync(cancellationToken);
                if (e.How != LedgerHow.Altered)
                {
                    Set(resolve, ("$id", MessageException.IdOf(e.Account, e.SourceFolder, e.SourceUidValidity, e.SourceId)));
                    await resolve.ExecuteNonQueryAsync(cancellationToken);
                }
            }
        }, cancellationToken, relaxed: true);

    /// <summary>How many messages the ledger remembers, per account (for status and reports).</summary>
    public async Task<IReadOnlyDictionary<string, long>> CountLedgerAsync(CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT account, COUNT(*) FROM copy_ledger GROUP BY account", r => (r.GetString(0), r.GetInt64(1)), cancellationToken))
            .ToDictionary(p => p.Item1, p => p.Item2, StringComparer.Ordinal);
}
