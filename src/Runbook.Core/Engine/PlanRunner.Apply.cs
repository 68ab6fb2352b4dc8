using Runbook.Plan.Model;

namespace Runbook.Engine;

internal sealed partial class PlanRunner
{
    /// <summary>
    /// Runs the selected steps in order from the first one not done. Holds the state lock throughout; every transition
    /// is committed before the next thing happens, so a kill at any point loses at most the unit in flight.
    /// </summary>
    public async Task<ApplyResult> ApplyAsync(RunbookPlan plan, ApplyOptions options, CancellationToken cancellationToken)
    {
        var (planned, kinds) = Resolve(plan);
        var selected = Select(plan, options);
        _lastWait = null;
        _statePath = options.StatePath;
        await using var session = await services.State.OpenForApplyAsync(options.StatePath, options.Command, _time, cancellationToken);
        var store = session.Store;
        if (session.StaleHolder is { } stale)
        {
            observer.Notice($"took over a stale lock: {stale} is not running any more");
            await store.AppendJournalAsync(null, "lock", $"took over a stale lock of {stale}", null, cancellationToken);
        }

        string? current = null;
        try
        {
            if (await SyncAsync(plan, planned, kinds, options, store, cancellationToken) is { } refused)
            {
                return refused;
            }

            await RetryKeptAsync(store, plan, options.StatePath, cancellationToken);

            var fingerprints = planned.ToDictionary(p => p.Id, p => p.Fingerprint, StringComparer.Ordinal);
            int ran = 0, skipped = 0;
            foreach (var step in selected)
            {
                current = step.Id;
                var records = await store.GetStepsAsync(cancellationToken);
                if (records[step.Id].Status == StepStatus.Done)
                {
                    observer.StepSkipped(step, "done");
                    skipped++;
                    continue;
                }

                if (await RunStepAsync(plan, step, kinds[step.Id], fingerprints[step.Id], store, options, cancellationToken) is { } stop)
                {
                    return stop;
                }

                ran++;
            }

            var open = (await store.ReadExceptionsAsync(null, cancellationToken)).Count(e => e.Open);
            if (ran > 0)
            {
                // Only an apply that did something is news; a re-run that skips every done step stays quiet.
                await PublishAsync(store, new RunEvent(RunEventKind.Done, plan, null, $"{ran} step(s) ran, {skipped} already done", _time.GetUtcNow()), CancellationToken.None);
            }

            return new ApplyResult.Completed(ran, skipped) { OpenExceptions = open };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cancelled between transitions or while sleeping: the state already says where we are.
            return new ApplyResult.Cancelled(current);
        }
    }

    /// <summary>Brings the state in line with the plan; returns a refusal when the plan changed and that was not accepted.</summary>
    private async Task<ApplyResult?> SyncAsync(
        RunbookPlan plan, IReadOnlyList<PlannedStep> planned, IReadOnlyDictionary<string, IStepKind> kinds, ApplyOptions options, IStateStore store, CancellationToken cancellationToken,
        bool sharedState = false)
    {
        var records = await store.GetStepsAsync(cancellationToken);
        var diff = PlanDiff.Compare(planned, records) with { ChangedAccounts = await ChangedAccountsAsync(plan, kinds, store, cancellationToken) };
        if (diff.RequiresAcceptance && !options.AcceptPlanChange)
        {
            return new ApplyResult.PlanChanged(diff);
        }

        var moved = planned.Any(p => records.TryGetValue(p.Id, out var r) && r.Position != p.Position);
        if (diff.Changes.Count > 0 || moved || await store.GetMetaAsync("plan_hash", cancellationToken) != plan.Hash)
        {
            var message = diff.RequiresAcceptance
                ? $"plan change accepted; runs again: {string.Join(", ", [.. diff.Invalidated, .. diff.ChangedAccounts])}"
                : $"plan {plan.Name} recorded (hash {plan.Hash[..Math.Min(12, plan.Hash.Length)]})";
            await store.SyncPlanAsync(plan.Name, plan.Hash, planned, diff.Invalidated, message, cancellationToken);
            if (diff.RequiresAcceptance)
            {
                observer.Notice(message);
            }
        }

        await ReopenAsync(plan, kinds, store, cancellationToken);
        // Workers share the state: a running step there is another worker's (a dead one's work is taken over by lease).
        foreach (var record in (await store.GetStepsAsync(cancellationToken)).Values.Where(r => r.Status == StepStatus.Running && !sharedState))
        {
            // Only a process holding the lock marks a step running, and we hold it now: that apply died mid-step.
            await store.MarkInterruptedAsync(record.Id, "the apply running this step stopped before it ended (killed or crashed); it resumes", cancellationToken);
            observer.Notice($"step {record.Id} was interrupted by an earlier apply; it resumes");
        }

        return null;
    }
}
