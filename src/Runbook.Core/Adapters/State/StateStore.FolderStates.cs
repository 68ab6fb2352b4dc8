using Runbook.Engine;

namespace Runbook.Adapters.State;

internal sealed partial class StateStore
{
    private const string FolderStateColumns =
        "account, source_folder, uidvalidity, uidnext, messages, highest_modseq, destination_folder, destination_uidvalidity,"
        + " destination_uidnext, destination_messages, present, deleted, step_id, at";

    public async Task<IReadOnlyList<FolderState>> ReadFolderStatesAsync(string account, CancellationToken cancellationToken) =>
        await QueryAsync($"SELECT {FolderStateColumns} FROM folder_states WHERE account = $a", r => new FolderState
        {
            Account = r.GetString(0),
            SourceFolder = r.GetString(1),
            UidValidity = (uint)r.GetInt64(2),
            UidNext = (uint)r.GetInt64(3),
            Messages = r.GetInt32(4),
            HighestModSeq = r.IsDBNull(5) ? null : (ulong)r.GetInt64(5),
            DestinationFolder = r.GetString(6),
            DestinationUidValidity = (uint)r.GetInt64(7),
            DestinationUidNext = (uint)r.GetInt64(8),
            DestinationMessages = r.GetInt32(9),
            Present = r.GetInt32(10),
            Deleted = r.GetInt32(11),
            StepId = r.GetString(12),
            At = NullableTime(r, 13)!.Value,
        }, cancellationToken, ("$a", account));

    /// <summary>Writes one account's folder states in one transaction: after a crash either all of the pass's states are there or none.</summary>
    public Task WriteFolderStatesAsync(string stepId, IReadOnlyList<FolderState> states, CancellationToken cancellationToken) =>
        states.Count == 0 ? Task.CompletedTask : InTransactionAsync(async t =>
        {
            var now = Now();
            foreach (var s in states)
            {
                await WriteAsync(t, $"""
                    INSERT INTO folder_states ({FolderStateColumns}) VALUES ($a, $sf, $v, $n, $m, $ms, $df, $dv, $dn, $dm, $p, $d, $step, $at)
                    ON CONFLICT(account, source_folder) DO UPDATE SET uidvalidity = excluded.uidvalidity, uidnext = excluded.uidnext,
                    messages = excluded.messages, highest_modseq = excluded.highest_modseq, destination_folder = excluded.destination_folder,
                    destination_uidvalidity = excluded.destination_uidvalidity,
                    destination_uidnext = excluded.destination_uidnext, destination_messages = excluded.destination_messages, present = excluded.present, deleted = excluded.deleted,
                    step_id = excluded.step_id, at = excluded.at
                    """, cancellationToken, ("$a", s.Account), ("$sf", s.SourceFolder), ("$v", (long)s.UidValidity), ("$n", (long)s.UidNext),
                    ("$m", s.Messages), ("$ms", s.HighestModSeq is { } modseq ? (long)modseq : null), ("$df", s.DestinationFolder),
                    ("$dv", (long)s.DestinationUidValidity),
                    ("$dn", (long)s.DestinationUidNext), ("$dm", s.DestinationMessages), ("$p", s.Present), ("$d", s.Deleted), ("$step", stepId), ("$at", now));
            }
        }, cancellationToken);
}
