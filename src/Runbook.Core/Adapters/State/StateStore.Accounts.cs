using Runbook.Engine;

namespace Runbook.Adapters.State;

internal sealed partial class StateStore
{
    public async Task<IReadOnlyList<StepAccountRecord>> GetStepAccountsAsync(string? stepId, CancellationToken cancellationToken) =>
        await QueryAsync(
            "SELECT step_id, account, fingerprint, status, error, updated_at FROM step_accounts WHERE $s IS NULL OR step_id = $s ORDER BY step_id, account",
            r => new StepAccountRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3) == "done", NullableString(r, 4), NullableTime(r, 5)!.Value),
            cancellationToken, ("$s", stepId));

    public Task SetStepAccountAsync(string stepId, string account, string fingerprint, bool done, string? error, CancellationToken cancellationToken) =>
        InTransactionAsync(t => WriteAsync(t, """
            INSERT INTO step_accounts (step_id, account, fingerprint, status, error, updated_at) VALUES ($s, $a, $f, $st, $e, $now)
            ON CONFLICT(step_id, account) DO UPDATE SET fingerprint = excluded.fingerprint, status = excluded.status, error = excluded.error, updated_at = excluded.updated_at
            """, cancellationToken, ("$s", stepId), ("$a", account), ("$f", fingerprint), ("$st", done ? "done" : "failed"), ("$e", error), ("$now", Now())),
            cancellationToken);

    /// <summary>
    /// A done step has accounts it has not done (added to the plan, or changed and accepted): back to pending for them,
    /// in one transaction with the journal line. The outcomes of <paramref name="forget"/> are dropped so those accounts run again.
    /// </summary>
    public Task ReopenAsync(string stepId, IReadOnlyCollection<string> forget, string message, CancellationToken cancellationToken) =>
        InTransactionAsync(async t =>
        {
            foreach (var account in forget)
            {
                await WriteAsync(t, "DELETE FROM step_accounts WHERE step_id = $s AND account = $a", cancellationToken, ("$s", stepId), ("$a", account));
            }

            await WriteAsync(t, "UPDATE steps SET status = 'pending', finished_at = NULL, updated_at = $now WHERE id = $id AND status = 'done'",
                cancellationToken, ("$id", stepId), ("$now", Now()));
            await JournalAsync(t, stepId, "reopened", message, null, cancellationToken);
        }, cancellationToken);
}
