using Runbook.Errors;

namespace Runbook.Engine;

internal sealed partial class PlanRunner
{
    /// <summary>
    /// The dry run behind <c>runbook plan</c>: reads the state without creating or changing it, and asks each step that
    /// is not done for its preview through a read-only state view.
    /// </summary>
    public async Task<PlanPreviewResult> PreviewAsync(Plan.Model.RunbookPlan plan, string statePath, CancellationToken cancellationToken)
    {
        var (planned, kinds) = Resolve(plan);
        _statePath = statePath;
        await using var store = await services.State.OpenReadOnlyAsync(statePath, _time, cancellationToken);
        var records = store is null ? new Dictionary<string, StepRecord>() : await store.GetStepsAsync(cancellationToken);
        var diff = PlanDiff.Compare(planned, records);
        var changes = diff.Changes.ToDictionary(c => c.StepId, c => c.Kind, StringComparer.Ordinal);
        var invalidated = diff.Invalidated.ToHashSet(StringComparer.Ordinal);
        var statuses = plan.Steps.ToDictionary(s => s.Id, s => invalidated.Contains(s.Id) || !records.TryGetValue(s.Id, out var r) ? StepStatus.Pending : r.Status, StringComparer.Ordinal);
        var views = new Dictionary<string, AccountView?>(StringComparer.Ordinal);
        foreach (var step in plan.Steps)
        {
            views[step.Id] = await AccountsAsync(plan, step, kinds[step.Id], invalidated.Contains(step.Id) ? null : store, cancellationToken);
            if (statuses[step.Id] == StepStatus.Done && kinds[step.Id].Accounts == Accounts.AccountScope.EachOnce && views[step.Id] is { Open.Count: > 0 })
            {
                // A done per-account step reopens for accounts it has not done yet (see ReopenAsync).
                statuses[step.Id] = StepStatus.Pending;
            }
        }

        diff = diff with { ChangedAccounts = [.. views.Where(v => v.Value is not null).SelectMany(v => v.Value!.Changed.Select(a => $"{v.Key}: {a}"))] };

        var lines = new List<StepPlan>();
        foreach (var (step, fingerprint) in plan.Steps.Zip(planned.Select(p => p.Fingerprint)))
        {
            var line = new StepPlan { StepId = step.Id, Uses = step.Uses, Status = statuses[step.Id], Change = changes.TryGetValue(step.Id, out var change) ? change : null };
            if (line.Status == StepStatus.Done)
            {
                lines.Add(line);
                continue;
            }

            var notes = step.Requires.Where(r => statuses.GetValueOrDefault(r) != StepStatus.Done).Select(r => $"requires {r} (not done yet)").ToList();
            // An invalidated step's checkpoints go when the change is accepted, so its preview must not lean on them.
            var stepStore = invalidated.Contains(step.Id) ? null : store;
            if (await HoldAsync(plan, step, fingerprint, stepStore, cancellationToken) is { } hold)
            {
                notes.Add(hold.Reason);
            }

            records.TryGetValue(step.Id, out var record);
            try
            {
                var approval = await ApprovalAsync(stepStore, step.Id, fingerprint, cancellationToken);
                var context = Context(plan, step, stepStore, record, approval, views[step.Id], dryRun: true);
                lines.Add(line with { Notes = notes, Preview = await kinds[step.Id].PreviewAsync(context, cancellationToken) });
            }
            catch (RunbookException e)
            {
                lines.Add(line with { Notes = notes, Error = e.Message, ErrorExitCode = e.ExitCode });
            }
#pragma warning disable CA1031 // A bug in one kind's dry run is reported on its line; the other steps still show theirs.
            catch (Exception e) when (e is not OperationCanceledException and not DryRunWriteException)
#pragma warning restore CA1031
            {
                lines.Add(line with { Notes = notes, Error = $"{e.GetType().Name}: {e.Message}", ErrorExitCode = ExitCode.StepFailed });
            }
        }

        return new PlanPreviewResult(diff, lines, store is not null) { EventMails = await PreviewEventsAsync(plan, statePath, cancellationToken) };
    }
}
