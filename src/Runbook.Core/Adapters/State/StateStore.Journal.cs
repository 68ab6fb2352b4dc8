using Runbook.Engine;
using System.Text.Json.Nodes;
using System.Data.Common;

namespace Runbook.Adapters.State;

internal sealed partial class StateStore
{
    /// <summary>Appends one journal entry in its own transaction (a side effect a step reports, a lock taken over, ...).</summary>
    public Task AppendJournalAsync(string? stepId, string @event, string message, JsonObject? detail, CancellationToken cancellationToken) =>
        InTransactionAsync(t => JournalAsync(t, stepId, @event, message, detail, cancellationToken), cancellationToken);

    public async Task<IReadOnlyList<JournalEntry>> ReadJournalAsync(CancellationToken cancellationToken) =>
        await QueryAsync("SELECT seq, at, step_id, event, message, detail FROM journal ORDER BY seq", r => new JournalEntry(
            r.GetInt64(0),
            NullableTime(r, 1)!.Value,
            NullableString(r, 2),
            r.GetString(3),
            r.GetString(4),
            NullableString(r, 5) is { } json ? JsonNode.Parse(json)?.AsObject() : null), cancellationToken);

    private async Task JournalAsync(DbTransaction t, string? stepId, string @event, string message, JsonObject? detail, CancellationToken cancellationToken) =>
        await WriteAsync(t, "INSERT INTO journal (at, step_id, event, message, detail) VALUES ($at, $step, $event, $message, $detail)",
            cancellationToken, ("$at", Now()), ("$step", stepId), ("$event", @event), ("$message", message), ("$detail", detail?.ToJsonString()));
}
