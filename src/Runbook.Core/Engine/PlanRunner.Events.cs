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
            problems = await events.PublishAsync(runEvent with { StatePath = _statePath }, cancellationToken);
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

    /// <summary>Event mail an earlier run kept (not sent) is tried again first; each try is a notice and a journal line.</summary>
    private async Task RetryKeptAsync(IStateStore store, Plan.Model.RunbookPlan plan, string statePath, CancellationToken cancellationToken)
    {
        if (services.Events is not { } events)
        {
            return;
        }

        IReadOnlyList<string> lines;
        try
        {
            lines = await events.RetryKeptAsync(plan, statePath, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Kept mail that cannot be read must not stop the migration.
        catch (Exception e)
#pragma warning restore CA1031
        {
            lines = [$"kept notifications not retried: {e.GetType().Name}: {e.Message}"];
        }

        foreach (var line in lines)
        {
            observer.Notice(line);
            await store.AppendJournalAsync(null, "notify", line, null, CancellationToken.None);
        }
    }

    /// <summary>The dry run's event mail, rendered to files; a failure to render is a line, not a failed plan.</summary>
    private async Task<IReadOnlyList<string>> PreviewEventsAsync(Plan.Model.RunbookPlan plan, string statePath, CancellationToken cancellationToken)
    {
        if (services.Events is not { } events || plan.Notifications.Count == 0)
        {
            return [];
        }

        try
        {
            return await events.PreviewAsync(plan, statePath, cancellationToken);
        }
        catch (Errors.RunbookException e)
        {
            observer.Notice($"notifications not rendered: {e.Message}");
            return [];
        }
    }
}
