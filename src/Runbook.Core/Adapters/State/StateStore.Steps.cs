using System.Text.Json.Nodes;
using System.Data.Common;
using Runbook.Engine;

namespace Runbook.Adapters.State;

internal sealed partial class StateStore
{
    private const string StepColumns =
        "id, position, uses, fingerprint, status, attempts, first_started_at, started_at, finished_at, updated_at, wait_until, wait_reason, error, outputs";

    public async Task<IReadOnlyDictionary<string, StepRecord>> GetStepsAsync(CancellationToken cancellationToken)
    {
        var rows = await QueryAsync($"SELECT {StepColumns} FROM steps ORDER BY position", ReadStep, cancellationToken);
        return rows.ToDictionary(r => r.Id, StringComparer.Ordinal);
    }

    public async Task<string?> GetMetaAsync(string key, CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT value FROM meta WHERE key = $k", r => r.GetString(0), cancellationToken, ("$k", key))).FirstOrDefault();

    /// <summary>
    /// Makes the state match the plan in one transaction: records the plan hash, adds new steps as pending, drops
    /// removed ones, and returns <paramref name="invalidated"/> steps to pending (their checkpoints go with them).
    /// </summary>
    public Task SyncPlanAsync(string planName, string planHash, IReadOnlyList<PlannedStep> steps, IReadOnlyCollection<string> invalidated, string message, CancellationToken cancellationToken) =>
        InTransactionAsync(async t =>
        {
            var now = Now();
            await WriteAsync(t, "INSERT INTO meta (key, value) VALUES ('plan_name', $n), ('plan_hash', $h) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                cancellationToken, ("$n", planName), ("$h", planHash));
            var ids = string.Join(",", steps.Select((_, i) => $"$id{i}"));
            await using (var delete = Command($"DELETE FROM steps WHERE id NOT IN ({(ids.Length == 0 ? "''" : ids)})", t, [.. steps.Select((s, i) => ($"$id{i}", (object?)s.Id))]))
            {
                await delete.ExecuteNonQueryAsync(cancellationToken);
            }

            await WriteAsync(t, "DELETE FROM checkpoints WHERE step_id NOT IN (SELECT id FROM steps)", cancellationToken);
            await WriteAsync(t, "DELETE FROM step_accounts WHERE step_id NOT IN (SELECT id FROM steps)", cancellationToken);
            foreach (var step in steps)
            {
                await WriteAsync(t, """
                    INSERT INTO steps (id, position, uses, fingerprint, status, updated_at) VALUES ($id, $p, $u, $f, 'pending', $now)
                    ON CONFLICT(id) DO UPDATE SET position = excluded.position, uses = excluded.uses, fingerprint = excluded.fingerprint
                    """, cancellationToken, ("$id", step.Id), ("$p", step.Position), ("$u", step.Uses), ("$f", step.Fingerprint), ("$now", now));
            }

            foreach (var id in invalidated)
            {
                await ResetRowAsync(t, id, now, cancellationToken);
            }

            await JournalAsync(t, null, "plan", message, new JsonObject { ["hash"] = planHash, ["invalidated"] = new JsonArray([.. invalidated.Select(i => JsonValue.Create(i))]) }, cancellationToken);
        }, cancellationToken);

    public Task MarkRunningAsync(string stepId, string message, CancellationToken cancellationToken) =>
        TransitionAsync(stepId, "started", message, null, """
            status = 'running', attempts = attempts + 1, started_at = $now, first_started_at = COALESCE(first_started_at, $now),
            finished_at = NULL, wait_until = NULL, wait_reason = NULL, error = NULL
            """, cancellationToken);

    public Task MarkDoneAsync(string stepId, JsonObject outputs, string message, CancellationToken cancellationToken) =>
        TransitionAsync(stepId, "done", message, outputs, "status = 'done', finished_at = $now, outputs = $outputs, wait_until = NULL, wait_reason = NULL, error = NULL",
            cancellationToken, ("$outputs", outputs.ToJsonString()));

    public Task MarkWaitingAsync(string stepId, DateTimeOffset? until, string reason, CancellationToken cancellationToken) =>
        TransitionAsync(stepId, "waiting", reason, until is null ? null : new JsonObject { ["until"] = Format(until) },
            "status = 'waiting', wait_until = $until, wait_reason = $reason", cancellationToken, ("$until", Format(until)), ("$reason", reason));

    public Task MarkFailedAsync(string stepId, string error, bool retryable, CancellationToken cancellationToken) =>
        TransitionAsync(stepId, "failed", error, new JsonObject { ["retryable"] = retryable },
            "status = 'failed', finished_at = $now, error = $error", cancellationToken, ("$error", error));

    /// <summary>Ctrl+C or a crash left the step unfinished: back to pending, its checkpoints kept for the next run.</summary>
    public Task MarkInterruptedAsync(string stepId, string message, CancellationToken cancellationToken) =>
        TransitionAsync(stepId, "interrupted", message, null, "status = 'pending'", cancellationToken);

    /// <summary>
    /// Makes the step run again from scratch: pending, no outputs, no checkpoints, no account outcomes, attempts back
    /// to 0. The copy ledger stays: it is the accounts' memory of what was copied, not the step's.
    /// </summary>
    public Task ResetAsync(string stepId, string message, CancellationToken cancellationToken) =>
        InTransactionAsync(async t =>
        {
            await ResetRowAsync(t, stepId, Now(), cancellationToken);
            await JournalAsync(t, stepId, "reset", message, null, cancellationToken);
        }, cancellationToken);

    private async Task ResetRowAsync(DbTransaction t, string stepId, string now, CancellationToken cancellationToken)
    {
        await WriteAsync(t, """
            UPDATE steps SET status = 'pending', attempts = 0, first_started_at = NULL, started_at = NULL, finished_at = NULL,
            wait_until = NULL, wait_reason = NULL, error = NULL, outputs = NULL, updated_at = $now WHERE id = $id
            """, cancellationToken, ("$id", stepId), ("$now", now));
        await WriteAsync(t, "DELETE FROM checkpoints WHERE step_id = $id", cancellationToken, ("$id", stepId));
        await WriteAsync(t, "DELETE FROM step_accounts WHERE step_id = $id", cancellationToken, ("$id", stepId));
    }

    private Task TransitionAsync(string stepId, string @event, string message, JsonObject? detail, string set, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        InTransactionAsync(async t =>
        {
            var changed = await WriteAsync(t, $"UPDATE steps SET {set}, updated_at = $now WHERE id = $id", cancellationToken,
                [.. parameters, ("$id", stepId), ("$now", Now())]);
            if (changed != 1)
            {
                throw new InvalidOperationException($"step {stepId} is not in the state; sync the plan first");
            }

            await JournalAsync(t, stepId, @event, message, detail, cancellationToken);
        }, cancellationToken);

    private static StepRecord ReadStep(DbDataReader r) => new()
    {
        Id = r.GetString(0),
        Position = r.GetInt32(1),
        Uses = r.GetString(2),
        Fingerprint = r.GetString(3),
        Status = Enum.Parse<StepStatus>(r.GetString(4), ignoreCase: true),
        Attempts = r.GetInt32(5),
        FirstStartedAt = NullableTime(r, 6),
        StartedAt = NullableTime(r, 7),
        FinishedAt = NullableTime(r, 8),
        UpdatedAt = NullableTime(r, 9)!.Value,
        WaitUntil = NullableTime(r, 10),
        WaitReason = NullableString(r, 11),
        Error = NullableString(r, 12),
        Outputs = NullableString(r, 13) is { } json ? JsonNode.Parse(json)?.AsObject() : null,
    };
}
