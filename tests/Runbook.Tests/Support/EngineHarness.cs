using Microsoft.Extensions.Time.Testing;
using Runbook.Engine;
using Runbook.Plan.Model;

namespace Runbook.Tests.Support;

/// <summary>An engine over a temp directory with a fake clock, a counting destination and a recording observer.</summary>
internal sealed class EngineHarness : IDisposable
{
    private readonly TempDirectory _directory = new();

    public EngineHarness(DateTimeOffset? now = null, params IStepKind[] extraKinds)
    {
        Time = new FakeTimeProvider(now ?? new DateTimeOffset(2026, 12, 1, 3, 0, 0, TimeSpan.Zero));
        Kind = new CountingStepKind(Destination);
        Sleeper = new FakeSleeper(Time);
        Runner = new PlanRunner(new EngineServices
        {
            Kinds = new StepKindRegistry([Kind, new Runbook.Steps.Pause.PauseStep(), .. extraKinds]),
            Time = Time,
            Sleeper = Sleeper,
            State = new Runbook.Adapters.State.SqliteStateBackend(),
            Secrets = plan => new Runbook.Adapters.Secrets.PlanSecretResolver(plan),
            PollInterval = TimeSpan.FromMinutes(1),
        }, Observer);
    }

    public FakeTimeProvider Time { get; }
    public FakeDestination Destination { get; } = new();
    public CountingStepKind Kind { get; }
    public FakeSleeper Sleeper { get; }
    public RecordingObserver Observer { get; } = new();
    public PlanRunner Runner { get; }

    public TestPlanBuilder NewPlan() => new(_directory.Path);

    public string StatePath => Path.Combine(_directory.Path, "plan.runbook.db");

    public Task<ApplyResult> ApplyAsync(RunbookPlan plan, Func<ApplyOptions, ApplyOptions>? options = null, CancellationToken cancellationToken = default)
    {
        var defaults = new ApplyOptions { StatePath = StatePath };
        return Runner.ApplyAsync(plan, options?.Invoke(defaults) ?? defaults, cancellationToken);
    }

    public async Task<Runbook.Adapters.State.StateStore> OpenStateAsync() =>
        await Runbook.Adapters.State.StateStore.OpenAsync(StatePath, Time, CancellationToken.None);

    public void Dispose() => _directory.Dispose();
}

/// <summary>Sleeps by moving the fake clock, and remembers each wake-up time; an optional hook runs while "asleep".</summary>
internal sealed class FakeSleeper(FakeTimeProvider time) : ISleeper
{
    public List<DateTimeOffset> Sleeps { get; } = [];

    public Func<Task>? WhileAsleep { get; set; }

    public async Task SleepUntilAsync(DateTimeOffset until, CancellationToken cancellationToken)
    {
        Sleeps.Add(until);
        if (Sleeps.Count > 1000)
        {
            throw new InvalidOperationException("slept 1000 times: the engine is looping");
        }

        if (WhileAsleep is { } hook)
        {
            await hook();
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (until > time.GetUtcNow())
        {
            time.SetUtcNow(until);
        }
    }
}

/// <summary>Keeps what the engine reported, as lines a test can search.</summary>
internal sealed class RecordingObserver : IRunObserver
{
    public List<string> Lines { get; } = [];

    public void Notice(string message) => Lines.Add($"notice: {message}");
    public void StepSkipped(StepDefinition step, string reason) => Lines.Add($"{step.Id}: skipped ({reason})");
    public void StepStarting(StepDefinition step, int attempt) => Lines.Add($"{step.Id}: start #{attempt}");
    public void StepLog(StepDefinition step, string message, bool warning) => Lines.Add($"{step.Id}: {message}");
    public void StepProgress(StepDefinition step, StepProgress progress) => Lines.Add($"{step.Id}: {progress.Done}/{progress.Total}");
    public void StepFinished(StepDefinition step, StepOutcome outcome) => Lines.Add($"{step.Id}: {outcome.GetType().Name}");
    public void StepWaiting(StepDefinition step, DateTimeOffset? until, string reason, bool sleeping) => Lines.Add($"{step.Id}: waiting {until:O} {reason}");
}
