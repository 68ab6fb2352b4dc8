using System.Text.Json.Nodes;

namespace Runbook.Engine;

/// <summary>One step's row in the state database.</summary>
internal sealed record StepRecord
{
    public required string Id { get; init; }
    public required int Position { get; init; }
    public required string Uses { get; init; }
    public required string Fingerprint { get; init; }
    public required StepStatus Status { get; init; }
    public int Attempts { get; init; }
    public DateTimeOffset? FirstStartedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? WaitUntil { get; init; }
    public string? WaitReason { get; init; }
    public string? Error { get; init; }
    public JsonObject? Outputs { get; init; }
}

/// <summary>A step as the current plan defines it, for syncing the state with the plan.</summary>
internal sealed record PlannedStep(string Id, int Position, string Uses, string Fingerprint);

/// <summary>Who approved a step, when, and for which definition (an approval counts only for the fingerprint it saw).</summary>
internal sealed record ApprovalRecord(string StepId, string Fingerprint, string ApprovedBy, DateTimeOffset ApprovedAt);

/// <summary>One line of the append-only audit journal.</summary>
internal sealed record JournalEntry(long Seq, DateTimeOffset At, string? StepId, string Event, string Message, JsonObject? Detail);

/// <summary>One account's outcome in a per-account step, with the account fingerprint it was reached for.</summary>
internal sealed record StepAccountRecord(string StepId, string Account, string Fingerprint, bool Done, string? Error, DateTimeOffset UpdatedAt);
