using Runbook.Engine;
namespace Runbook.Adapters.State;

internal sealed partial class StateStore
{
    public async Task<ApprovalRecord?> GetApprovalAsync(string stepId, CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT step_id, fingerprint, approved_by, approved_at FROM approvals WHERE step_id = $s",
            r => new ApprovalRecord(r.GetString(0), r.GetString(1), r.GetString(2), NullableTime(r, 3)!.Value), cancellationToken,
            ("$s", stepId))).FirstOrDefault();

    /// <summary>Records who approved the step's current definition, and journals it. A later approval replaces the earlier one.</summary>
    public Task ApproveAsync(string stepId, string fingerprint, string approvedBy, CancellationToken cancellationToken) =>
        InTransactionAsync(async t =>
        {
            await WriteAsync(t, """
                INSERT INTO approvals (step_id, fingerprint, approved_by, approved_at) VALUES ($s, $f, $by, $now)
                ON CONFLICT(step_id) DO UPDATE SET fingerprint = excluded.fingerprint, approved_by = excluded.approved_by, approved_at = excluded.approved_at
                """, cancellationToken, ("$s", stepId), ("$f", fingerprint), ("$by", approvedBy), ("$now", Now()));
            await JournalAsync(t, stepId, "approved", $"approved by {approvedBy}", new System.Text.Json.Nodes.JsonObject { ["by"] = approvedBy, ["fingerprint"] = fingerprint }, cancellationToken);
        }, cancellationToken);
}
