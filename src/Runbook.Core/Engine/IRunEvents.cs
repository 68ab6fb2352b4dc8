using Runbook.Plan.Model;

namespace Runbook.Engine;

/// <summary>The run events a plan's <c>notifications:</c> can subscribe to (the names plans use, lowercased).</summary>
internal enum RunEventKind { Waiting, Failed, Done, Approval }

/// <summary>Something people may want to hear about: a step waits, fails or needs an approval, or an apply finished.</summary>
internal sealed record RunEvent(RunEventKind Kind, RunbookPlan Plan, StepDefinition? Step, string Message, DateTimeOffset At)
{
    /// <summary>When a waiting step is worth trying again, if known.</summary>
    public DateTimeOffset? Until { get; init; }
}

/// <summary>
/// Where the engine hands run events (notification mail in production). The engine knows nothing of SMTP: it only
/// reports the problems returned here, and an event that cannot be delivered never changes a step's outcome.
/// </summary>
internal interface IRunEvents
{
    /// <summary>Delivers the event; returns one line per delivery that failed (no secrets), empty when all went out.</summary>
    Task<IReadOnlyList<string>> PublishAsync(RunEvent runEvent, CancellationToken cancellationToken);
}
