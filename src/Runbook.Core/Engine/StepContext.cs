using Runbook.Plan.Model;

namespace Runbook.Engine;

/// <summary>Everything a step kind gets for one preview or apply call.</summary>
internal sealed record StepContext
{
    public required RunbookPlan Plan { get; init; }
    public required StepDefinition Step { get; init; }
    public required TimeProvider Time { get; init; }

    /// <summary>How a step waits in place (a retry's backoff): the engine's sleeper, so a test clock the engine advances ends it too.</summary>
    public ISleeper Sleeper { get => _sleeper ?? new TimeProviderSleeper(Time); init => _sleeper = value; }

    private readonly ISleeper? _sleeper;
    public required IStepState State { get; init; }
    public required ISecretResolver Secrets { get; init; }

    /// <summary>Progress of long work (messages, bytes); shown as a bar on a terminal and as plain lines otherwise.</summary>
    public required IProgress<StepProgress> Progress { get; init; }

    /// <summary>Human-readable lines for the console (not the journal: use <see cref="IStepState.RecordAsync"/> for that).</summary>
    public required IStepLog Log { get; init; }

    /// <summary>The state database's path; files a step keeps beside it (e.g. originals of repaired messages) go in its folder.</summary>
    public string? StatePath { get; init; }

    /// <summary>Where this run's state lives (the plan's backend), for a step that reads the whole state (the report).</summary>
    public IStateBackend? StateBackend { get; init; }

    /// <summary>True for <c>runbook plan</c>: nothing may be written anywhere.</summary>
    public bool DryRun { get; init; }

    /// <summary>When this step first started in this state (across runs), e.g. to wait a TTL counted from then.</summary>
    public DateTimeOffset? FirstStartedAt { get; init; }

    /// <summary>1 on the first apply of this step, counting every run since the last reset.</summary>
    public int Attempt { get; init; }

    /// <summary>
    /// For kinds done once per account: the selected accounts this step already did for their current definition.
    /// The step leaves them alone; it works on the others (new, changed, or failed before).
    /// </summary>
    public IReadOnlySet<string> SettledAccounts { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Who approved this step's current definition with <c>runbook approve</c>, if anyone (a <c>pause</c> resumes on it).</summary>
    public StepApproval? Approval { get; init; }
}

/// <summary>An approval recorded by <c>runbook approve</c>.</summary>
internal sealed record StepApproval(string By, DateTimeOffset At);

/// <summary>Progress of a unit of work (an account, a folder): <paramref name="Done"/> of <paramref name="Total"/> in <paramref name="Unit"/>s.</summary>
internal sealed record StepProgress(string Activity, long Done, long Total, string Unit = "items");

/// <summary>Console lines from a step. Secrets never go here.</summary>
internal interface IStepLog
{
    void Info(string message);
    void Warning(string message);
}

/// <summary>Turns a plan's secret reference (env var, file) into its value, only when a step needs it.</summary>
internal interface ISecretResolver
{
    ValueTask<string> ResolveAsync(SecretReference reference, CancellationToken cancellationToken);
}
