using System.Text.Json.Nodes;

namespace Runbook.Engine;

/// <summary>How one <see cref="IStepKind.ApplyAsync"/> call ended: done, waiting, or failed.</summary>
internal abstract record StepOutcome
{
    private StepOutcome() { }

    /// <summary>The step finished; <paramref name="Outputs"/> are stored and visible to later steps and <c>status</c>. Never put secrets here.</summary>
    public sealed record Done(JsonObject Outputs) : StepOutcome;

    /// <summary>
    /// The step cannot finish yet. <paramref name="Until"/> is when it is worth trying again (null: unknown, e.g. an
    /// external event); the engine calls <see cref="IStepKind.ApplyAsync"/> again then, so keep progress in checkpoints.
    /// </summary>
    public sealed record Waiting(DateTimeOffset? Until, string Reason) : StepOutcome;

    /// <summary>The step failed. <paramref name="Retryable"/>: trying again later may help (the engine honours the step's retry policy).</summary>
    public sealed record Failed(string Message, bool Retryable) : StepOutcome;

    public static Done Succeeded(JsonObject? outputs = null) => new(outputs ?? []);

    public static Waiting WaitUntil(DateTimeOffset? until, string reason) => new(until, reason);

    public static Failed Fail(string message, bool retryable) => new(message, retryable);
}
