using Runbook.Engine.Windows;
using Runbook.Errors;
using Runbook.Plan.Model;

namespace Runbook.Engine;

/// <summary>What the engine is built from; tests swap the clock, the sleeper and the step kinds.</summary>
internal sealed record EngineServices
{
    public required StepKindRegistry Kinds { get; init; }
    public required TimeProvider Time { get; init; }
    public ISleeper? Sleeper { get; init; }
    /// <summary>Where the state lives (SQLite for one machine); chosen by the CLI.</summary>
    public required IStateBackend State { get; init; }
    /// <summary>Secrets for a plan (environment variables and files beside the plan in production); chosen by the CLI.</summary>
    public required Func<RunbookPlan, ISecretResolver> Secrets { get; init; }
    /// <summary>How often <c>apply --wait</c> looks again for something without a known time (an approval).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Who hears about waits, failures, approvals and finished applies (the plan's notifications); null: nobody.</summary>
    public IRunEvents? Events { get; init; }
}

/// <summary>
/// The engine: runs a plan's steps in order against the state, one transition per transaction, skipping what is done,
/// stopping (or sleeping) at what waits. <c>plan</c> is <see cref="PreviewAsync"/>; <c>apply</c> is <see cref="ApplyAsync"/>.
/// </summary>
internal sealed partial class PlanRunner(EngineServices services, IRunObserver observer)
{
    private readonly TimeProvider _time = services.Time;
    private readonly ISleeper _sleeper = services.Sleeper ?? new TimeProviderSleeper(services.Time);
    private string? _statePath;
    private readonly Lock _observerGate = new();

    /// <summary>The plan's steps with their kinds and fingerprints; an unknown kind or window is an invalid plan;
    /// a language kind this build cannot run refuses the run (see <see cref="UnsupportedStepKinds"/>).</summary>
    private (IReadOnlyList<PlannedStep> Planned, IReadOnlyDictionary<string, IStepKind> Kinds) Resolve(RunbookPlan plan)
    {
        var kinds = new Dictionary<string, IStepKind>(StringComparer.Ordinal);
        var planned = new List<PlannedStep>();
        var problems = new List<string>();
        var unsupported = new List<StepDefinition>();
        foreach (var (step, index) in plan.Steps.Select((s, i) => (s, i)))
        {
            if (!services.Kinds.TryGet(step.Uses, out var kind))
            {
                if (UnsupportedStepKinds.IsLanguageKind(step.Uses))
                {
                    unsupported.Add(step);
                    continue;
                }

                problems.Add($"{step.Location}: step {step.Id}: unknown step kind '{step.Uses}' (known: {string.Join(", ", services.Kinds.Names.Order(StringComparer.Ordinal))})");
                continue;
            }

            if (step.Window is { } window && !plan.Windows.ContainsKey(window))
            {
                problems.Add($"{step.Location}: step {step.Id}: unknown window '{window}'");
            }

            kinds[step.Id] = kind;
            planned.Add(new PlannedStep(step.Id, index, step.Uses, StepFingerprint.Compute(plan, step, kind)));
        }

        if (TimeZones.Find(plan.Timezone) is null)
        {
            problems.Add($"unknown time zone '{plan.Timezone}'");
        }

        if (problems.Count > 0)
        {
            throw new UsageException(string.Join(Environment.NewLine, problems), ExitCode.InvalidPlan);
        }

        return unsupported.Count > 0 ? throw UnsupportedStepKinds.Refusal(unsupported, services.Kinds.Names) : (planned, kinds);
    }

    private StepContext Context(RunbookPlan plan, StepDefinition step, IStateStore? store, StepRecord? record, StepApproval? approval, AccountView? accounts, bool dryRun) => new()
    {
        Plan = plan,
        Step = step,
        Time = _time,
        Sleeper = _sleeper,
        State = new EngineStepState(store, step.Id, readOnly: dryRun, accounts?.Fingerprints),
        SettledAccounts = accounts?.Settled ?? new HashSet<string>(),
        Secrets = services.Secrets(plan),
        Progress = new ObserverProgress(observer, step, _observerGate),
        Log = new ObserverLog(observer, step, _observerGate),
        DryRun = dryRun,
        StatePath = _statePath,
        StateBackend = services.State,
        FirstStartedAt = record?.FirstStartedAt,
        Attempt = record?.Attempts ?? 0,
        Approval = approval,
    };

    /// <summary>The approval of the step's current definition; one given for an earlier definition does not count.</summary>
    private static async Task<StepApproval?> ApprovalAsync(IStateStore? store, string stepId, string fingerprint, CancellationToken cancellationToken) =>
        store is not null && await store.GetApprovalAsync(stepId, cancellationToken) is { } a && a.Fingerprint == fingerprint
            ? new StepApproval(a.ApprovedBy, a.ApprovedAt)
            : null;

    // Steps report from parallel tasks (one per account); observers are console code that is not thread-safe, and
    // their lines must not interleave: one call at a time.
    private sealed class ObserverProgress(IRunObserver observer, StepDefinition step, Lock gate) : IProgress<StepProgress>
    {
        public void Report(StepProgress value)
        {
            lock (gate)
            {
                observer.StepProgress(step, value);
            }
        }
    }

    private sealed class ObserverLog(IRunObserver observer, StepDefinition step, Lock gate) : IStepLog
    {
        public void Info(string message) => Write(message, warning: false);
        public void Warning(string message) => Write(message, warning: true);

        private void Write(string message, bool warning)
        {
            lock (gate)
            {
                observer.StepLog(step, message, warning);
            }
        }
    }
}
