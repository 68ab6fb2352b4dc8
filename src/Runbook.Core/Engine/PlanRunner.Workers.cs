using Runbook.Engine.Accounts;
using Runbook.Engine.Workers;
using Runbook.Errors;
using Runbook.Plan.Model;

namespace Runbook.Engine;

internal sealed partial class PlanRunner
{
    /// <summary>
    /// <c>apply --worker</c>: one of many processes on one plan and one shared state. Steps still go in plan order; a
    /// per-account step is shared out account by account (<see cref="IWorkQueue"/> claims with leases), and every worker
    /// waits until all its accounts are done before the next step. A global step is run by the one worker that claims
    /// it; the others wait for its recorded outcome.
    /// </summary>
    public async Task<ApplyResult> ApplyAsWorkerAsync(RunbookPlan plan, ApplyOptions options, WorkerOptions worker, CancellationToken cancellationToken)
    {
        if (services.State is not IWorkerStateBackend shared)
        {
            throw new UsageException("apply --worker needs a state that workers share: state: { backend: postgres, connection: { env: RUNBOOK_PG } }");
        }

        var (planned, kinds) = Resolve(plan);
        var selected = Select(plan, options);
        _statePath = options.StatePath;
        var joined = _time.GetUtcNow();
        var workerId = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..4]}";
        await using var session = await shared.OpenForApplyAsync(options.StatePath, options.Command, _time, cancellationToken);
        await using var queue = await shared.OpenWorkQueueAsync(workerId, worker.Lease, cancellationToken);
        var store = session.Store;
        var fingerprints = planned.ToDictionary(p => p.Id, p => p.Fingerprint, StringComparer.Ordinal);
        var run = new WorkerRun(plan, options, worker, store, queue, joined);
        string? current = null;
        try
        {
            if (await queue.ExclusiveAsync(() => SyncAsync(plan, planned, kinds, options, store, cancellationToken, sharedState: true), cancellationToken) is { } refused)
            {
                return refused;
            }

            observer.Notice($"worker {workerId} joined{(worker.Shard is { } s ? $" as shard {s}" : "")}");
            int ran = 0, skipped = 0;
            foreach (var step in selected)
            {
                current = step.Id;
                if ((await store.GetStepsAsync(cancellationToken))[step.Id].Status == StepStatus.Done)
                {
                    observer.StepSkipped(step, "done");
                    skipped++;
                    continue;
                }

                var kind = kinds[step.Id];
                var stop = kind.Accounts == AccountScope.None
                    ? await RunGlobalAsWorkerAsync(run, step, kind, fingerprints[step.Id], cancellationToken)
                    : await RunAccountsAsWorkerAsync(run, step, kind, fingerprints[step.Id], cancellationToken);
                if (stop is not null)
                {
                    return stop;
                }

                ran++;
            }

            var open = (await store.ReadExceptionsAsync(null, cancellationToken)).Count(e => e.Open);
            return new ApplyResult.Completed(ran, skipped) { OpenExceptions = open };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new ApplyResult.Cancelled(current);
        }
    }

    /// <summary>One worker's apply: what every step of it needs.</summary>
    private sealed record WorkerRun(RunbookPlan Plan, ApplyOptions Options, WorkerOptions Worker, IStateStore Store, IWorkQueue Queue, DateTimeOffset Joined);

    /// <summary>Work items of a step are keyed by its definition: a changed step is new work, not the old items.</summary>
    private static string WorkKey(StepDefinition step, string fingerprint) => $"{step.Id}@{fingerprint[..Math.Min(12, fingerprint.Length)]}";

    private async Task<ApplyResult?> RunGlobalAsWorkerAsync(WorkerRun run, StepDefinition step, IStepKind kind, string fingerprint, CancellationToken cancellationToken)
    {
        var key = WorkKey(step, fingerprint);
        await run.Queue.SeedAsync(key, [""], cancellationToken);
        while (true)
        {
            var record = (await run.Store.GetStepsAsync(cancellationToken))[step.Id];
            if (record.Status == StepStatus.Done)
            {
                observer.StepSkipped(step, "done by another worker");
                return null;
            }

            // An outcome another worker recorded since this one joined is this run's outcome; an older one is retried.
            var recent = record.UpdatedAt >= run.Joined;
            if (recent && record.Status == StepStatus.Failed)
            {
                return new ApplyResult.Failed(step.Id, record.Error ?? "failed in another worker", Retryable: false);
            }

            if (recent && record.Status == StepStatus.Waiting && !run.Options.Wait)
            {
                return new ApplyResult.Waiting(step.Id, record.WaitUntil, record.WaitReason ?? "waiting");
            }

            if (await run.Queue.ClaimAsync(key, [""], cancellationToken) is { } claim)
            {
                await NoteTakeoverAsync(run, step, claim, cancellationToken);
                await using var lease = LeaseKeeper.Start(run.Queue, key, "", run.Worker.Lease, _time, observer);
                var result = await RunStepAsync(run.Plan, step, kind, fingerprint, run.Store, run.Options, cancellationToken);
                await run.Queue.FinishAsync(key, "", result is null ? "done" : "open", null, CancellationToken.None);
                return result;
            }

            await _sleeper.SleepUntilAsync(_time.GetUtcNow() + run.Worker.Poll, cancellationToken);
        }
    }

    private async Task NoteTakeoverAsync(WorkerRun run, StepDefinition step, WorkClaim claim, CancellationToken cancellationToken)
    {
        if (claim.TakenFrom is not { } dead)
        {
            return;
        }

        var what = claim.Account.Length == 0 ? $"step {step.Id}" : $"{claim.Account} in step {step.Id}";
        observer.Notice($"worker {run.Queue.WorkerId} took over {what} from {dead} (its lease ran out)");
        await run.Store.AppendJournalAsync(step.Id, "takeover", $"worker {run.Queue.WorkerId} took over {what} from {dead} (its lease ran out)",
            new() { ["account"] = claim.Account, ["from"] = dead, ["worker"] = run.Queue.WorkerId }, cancellationToken);
    }
}
