using Runbook.Plan.Model;

namespace Runbook.Engine;

/// <summary>The run events a plan's <c>notifications:</c> can subscribe to (the names plans use, lowercased).</summary>
internal enum RunEventKind { Waiting, Failed, Done, Approval }

/// <summary>Something people may want to hear about: a step waits, fails or needs an approval, or an apply finished.</summary>
internal sealed record RunEvent(RunEventKind Kind, RunbookPlan Plan, StepDefinition? Step, string Message, DateTimeOffset At)
{
    /// <summary>When a waiting step is worth trying again, if known.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>The run's state file; mail that cannot be sent is kept beside it (the engine sets it).</summary>
    public string? StatePath { get; init; }
}

/// <summary>
/// Where the engine hands run events (notification mail in production). The engine knows nothing of SMTP: it only
/// reports the problems returned here, and an event that cannot be delivered never changes a step's outcome.
/// </summary>
internal interface IRunEvents
{
    /// <summary>Delivers the event; returns one line per delivery that failed (no secrets), empty when all went out.</summary>
    Task<IReadOnlyList<string>> PublishAsync(RunEvent runEvent, CancellationToken cancellationToken);

    /// <summary>At the start of an apply: sends again what an earlier run could not; one line per message tried.</summary>
    Task<IReadOnlyList<string>> RetryKeptAsync(RunbookPlan plan, string statePath, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([]);

    /// <summary>For <c>runbook plan</c>: renders to files what each event would send, sends nothing; returns the files.</summary>
    Task<IReadOnlyList<string>> PreviewAsync(RunbookPlan plan, string statePath, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([]);
}
