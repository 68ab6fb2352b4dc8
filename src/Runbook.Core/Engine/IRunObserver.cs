using Runbook.Plan.Model;

namespace Runbook.Engine;

/// <summary>What an apply tells the person (or script) watching it. The CLI renders it as progress bars, lines or JSON.</summary>
internal interface IRunObserver
{
    void Notice(string message);
    void StepSkipped(StepDefinition step, string reason);
    void StepStarting(StepDefinition step, int attempt);
    void StepLog(StepDefinition step, string message, bool warning);
    void StepProgress(StepDefinition step, StepProgress progress);
    void StepFinished(StepDefinition step, StepOutcome outcome);

    /// <summary>A step waits; <paramref name="sleeping"/> is true under <c>--wait</c>.</summary>
    void StepWaiting(StepDefinition step, DateTimeOffset? until, string reason, bool sleeping);
}

/// <summary>Waits until an instant. Production sleeps on the <see cref="TimeProvider"/>; tests advance a fake clock instead.</summary>
internal interface ISleeper
{
    Task SleepUntilAsync(DateTimeOffset until, CancellationToken cancellationToken);
}

internal sealed class TimeProviderSleeper(TimeProvider time) : ISleeper
{
    // Task.Delay takes at most ~49 days; a long wait is slept in daily slices.
    private static readonly TimeSpan Slice = TimeSpan.FromDays(1);

    public async Task SleepUntilAsync(DateTimeOffset until, CancellationToken cancellationToken)
    {
        for (var left = until - time.GetUtcNow(); left > TimeSpan.Zero; left = until - time.GetUtcNow())
        {
            await Task.Delay(left < Slice ? left : Slice, time, cancellationToken);
        }
    }
}
