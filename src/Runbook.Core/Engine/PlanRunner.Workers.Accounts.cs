using System.Text.Json.Nodes;
using Runbook.Engine.Accounts;
using Runbook.Engine.Workers;
using Runbook.Plan.Model;

namespace Runbook.Engine;

internal sealed partial class PlanRunner
{
    /// <summary>
    /// A per-account step among workers: claim an account, run the kind for it alone (it resumes from the account's
    /// ledger and checkpoints), repeat; then wait until every account of the step is done or failed. One worker
    /// records the step's start and end.
    /// </summary>
    private async Task<ApplyResult?> RunAccountsAsWorkerAsync(WorkerRun run, StepDefinition step, IStepKind kind, string fingerprint, CancellationToken cancellationToken)
    {
        var key = WorkKey(step, fingerprint);
        var all = AccountSelection.Select(run.Plan, step).Select(a => a.Email).ToList();
        var mine = run.Worker.Shard is { } shard ? all.Where(shard.Owns).ToList() : all;
        var records = await run.Store.GetStepsAsync(cancellationToken);
        if (UnmetRequirement(step, records) is { } unmet)
        {
            return new ApplyResult.Failed(step.Id, unmet, Retryable: false);
        }

        if (await HoldAsync(run.Plan, step, fingerprint, run.Store, cancellationToken) is { } hold)
        {
            // Windows and approvals hold every worker alike; each one exits waiting (or, with --wait, the first to
            // claim nothing sleeps in the normal path of a later apply).
            return hold.Blocked ? new ApplyResult.Failed(step.Id, hold.Reason, Retryable: false) : new ApplyResult.Waiting(step.Id, hold.Until, hold.Reason);
        }

        if (all.Count == 0)
        {
            // No account selected: nothing to share out, and nothing any worker would ever finish.
            return await FinishAccountsAsync(run, step, key, [], cancellationToken);
        }

        await run.Queue.SeedAsync(key, all, cancellationToken);
        if (await run.Queue.OnceAsync(key, "#started", cancellationToken))
        {
            await run.Store.MarkRunningAsync(step.Id, $"{step.Uses} started by workers ({all.Count} accounts)", cancellationToken);
        }

        var record = (await run.Store.GetStepsAsync(cancellationToken))[step.Id];
        var approval = await ApprovalAsync(run.Store, step.Id, fingerprint, cancellationToken);
        while (true)
        {
            if (await run.Queue.ClaimAsync(key, mine, cancellationToken) is { } claim)
            {
                if (await RunClaimedAccountAsync(run, step, kind, record, approval, key, claim, cancellationToken) is { } stop)
                {
                    return stop;
                }

                continue;
            }

            var items = await run.Queue.ListAsync(key, cancellationToken);
            if (items.Count > 0 && items.All(i => !i.Open))
            {
                return await FinishAccountsAsync(run, step, key, items, cancellationToken);
            }

            await _sleeper.SleepUntilAsync(_time.GetUtcNow() + run.Worker.Poll, cancellationToken);
        }
    }

    private async Task<ApplyResult?> RunClaimedAccountAsync(
        WorkerRun run, StepDefinition step, IStepKind kind, StepRecord record, StepApproval? approval, string key, WorkClaim claim, CancellationToken cancellationToken)
    {
        await NoteTakeoverAsync(run, step, claim, cancellationToken);
        observer.Notice($"worker {run.Queue.WorkerId}: {step.Id} {claim.Account}");
        (StepOutcome? Outcome, Errors.ExitCode Code) result;
        await using (LeaseKeeper.Start(run.Queue, key, claim.Account, run.Worker.Lease, _time, observer))
        {
            var (plan, narrowed) = Narrow(run.Plan, step, claim.Account);
            result = await InvokeAsync(plan, narrowed, kind, record, approval, run.Store, cancellationToken);
        }

        switch (result.Outcome)
        {
            case null:
                await run.Queue.FinishAsync(key, claim.Account, "open", null, CancellationToken.None);
                return new ApplyResult.Cancelled(step.Id);
            case StepOutcome.Done:
                await run.Queue.FinishAsync(key, claim.Account, "done", null, CancellationToken.None);
                return null;
            case StepOutcome.Waiting wait:
                await run.Queue.FinishAsync(key, claim.Account, "open", null, CancellationToken.None);
                return new ApplyResult.Waiting(step.Id, wait.Until, wait.Reason);
            case StepOutcome.Failed failed:
                await run.Queue.FinishAsync(key, claim.Account, "failed", failed.Message, CancellationToken.None);
                await run.Store.AppendJournalAsync(step.Id, "account-failed", $"{claim.Account}: {failed.Message}", new() { ["account"] = claim.Account }, CancellationToken.None);
                return null;
            default:
                return null;
        }
    }

    /// <summary>Every account ended: one worker records the step's outcome; all return it.</summary>
    private async Task<ApplyResult?> FinishAccountsAsync(WorkerRun run, StepDefinition step, string key, IReadOnlyList<WorkItem> items, CancellationToken cancellationToken)
    {
        var failed = items.Where(i => i.Status == "failed").ToList();
        var message = failed.Count == 0 ? null : $"{failed.Count} of {items.Count} account(s) failed: " + string.Join("; ", failed.Select(f => $"{f.Account}: {f.Error}"));
        if (await run.Queue.OnceAsync(key, "#finished", cancellationToken))
        {
            if (message is null)
            {
                var outputs = new JsonObject { ["accounts"] = items.Count, ["workers"] = items.Select(i => i.Holder).Distinct().Count() };
                await run.Store.MarkDoneAsync(step.Id, outputs, $"{step.Uses} done by workers", CancellationToken.None);
            }
            else
            {
                await run.Store.MarkFailedAsync(step.Id, message, retryable: false, CancellationToken.None);
            }
        }

        else
        {
            // The next step's gates read this step's status: wait until the worker that ends it has recorded it.
            while ((await run.Store.GetStepsAsync(cancellationToken))[step.Id].Status is not (StepStatus.Done or StepStatus.Failed))
            {
                await _sleeper.SleepUntilAsync(_time.GetUtcNow() + run.Worker.Poll, cancellationToken);
            }
        }

        return message is null ? null : new ApplyResult.Failed(step.Id, message, Retryable: false);
    }

    /// <summary>The plan and step as the kind sees them for one account: that account alone.</summary>
    private static (RunbookPlan Plan, StepDefinition Step) Narrow(RunbookPlan plan, StepDefinition step, string email)
    {
        var accounts = plan.Accounts.Where(a => string.Equals(a.Email, email, StringComparison.OrdinalIgnoreCase)).ToList();
        if (step.With["accounts"] is not JsonArray)
        {
            return (plan with { Accounts = accounts }, step);
        }

        var with = (JsonObject)step.With.DeepClone();
        with["accounts"] = new JsonArray(JsonValue.Create(accounts[0].Email));
        return (plan with { Accounts = accounts }, step with { With = with });
    }
}
