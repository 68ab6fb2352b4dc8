namespace Runbook.Engine;

internal sealed partial class PlanRunner
{
    /// <summary>
    /// Hands an event to <see cref="EngineServices.Events"/>; failures become notices and journal lines, never a step's
    /// outcome: the work the event is about has already happened and is recorded.
    /// </summary>
    private async Task PublishAsync(IStateStore store, RunEvent runEvent, CancellationToken cancellationToken)
    {
        if (services.Events is not { } events || runEvent.Plan.Notifications.Count == 0)
        {
            return;
        }

        IReadOnlyList<string> problems;
        try
        {
            problems = await events.PublishAsync(runEvent, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A bug in a notifier must not turn a finished step into a crash.
        catch (Exception e)
#pragma warning restore CA1031
        {
            problems = [$"{e.GetType().Name}: {e.Message}"];
        }

        foreach (var problem in problems)
        {
            observer.Notice($"notification not sent: {problem}");
            await store.AppendJournalAsync(runEvent.Step?.Id, "notify", $"notification not sent: {problem}", null, CancellationToken.None);
        }
    }
}
