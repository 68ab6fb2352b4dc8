using Runbook.Errors;
using Runbook.Plan.Model;

namespace Runbook.Engine;

internal sealed partial class PlanRunner
{
    private (string StepId, string Reason, DateTimeOffset? Until)? _lastWait;

    /// <summary>Runs one step through its gates, waits and retries; null when it is done, else why the apply stops.</summary>
    private async Task<ApplyResult?> RunStepAsync(RunbookPlan plan, StepDefinition step, IStepKind kind, string fingerprint, IStateStore store, ApplyOptions options, CancellationToken cancellationToken)
    {
        var failures = 0;
        while (true)
        {
            var records = await store.GetStepsAsync(cancellationToken);
            if (UnmetRequirement(step, records) is { } unmet)
            {
                await store.AppendJournalAsync(step.Id, "gate", unmet, null, cancellationToken);
                return new ApplyResult.Failed(step.Id, unmet, Retryable: false);
            }

            if (await HoldAsync(plan, step, fingerprint, store, cancellationToken) is { } hold)
            {
                if (hold.Blocked)
                {
                    await store.MarkFailedAsync(step.Id, hold.Reason, retryable: false, cancellationToken);
                    await PublishAsync(store, new RunEvent(RunEventKind.Failed, plan, step, hold.Reason, _time.GetUtcNow()), cancellationToken);
                    return new ApplyResult.Failed(step.Id, hold.Reason, Retryable: false);
                }

                if (await WaitAsync(plan, step, records[step.Id], hold.Until, hold.Reason, store, options, cancellationToken, hold.Approval) is { } waiting)
                {
                    return waiting;
                }

                continue;
            }

            await store.MarkRunningAsync(step.Id, $"{step.Uses} started", cancellationToken);
            var record = (await store.GetStepsAsync(cancellationToken))[step.Id];
            observer.StepStarting(step, record.Attempts);
            var approval = await ApprovalAsync(store, step.Id, fingerprint, cancellationToken);
            var (outcome, exitCode) = await InvokeAsync(plan, step, kind, record, approval, store, cancellationToken);
            if (outcome is null)
            {
                await store.MarkInterruptedAsync(step.Id, "cancelled (Ctrl+C); it resumes on the next apply", CancellationToken.None);
                return new ApplyResult.Cancelled(step.Id);
            }

            observer.StepFinished(step, outcome);
            // What the step did has happened: record it even if Ctrl+C arrives now.
            switch (outcome)
            {
                case StepOutcome.Done done:
                    await store.MarkDoneAsync(step.Id, done.Outputs, $"{step.Uses} done", CancellationToken.None);
                    return null;
                case StepOutcome.Waiting wait:
                    var updated = (await store.GetStepsAsync(CancellationToken.None))[step.Id];
                    if (await WaitAsync(plan, step, updated, wait.Until, wait.Reason, store, options, cancellationToken) is { } waiting)
                    {
                        return waiting;
                    }

                    continue;
                case StepOutcome.Failed failed when failed.Retryable && ++failures < step.Retry.Attempts:
                    // The backoff doubles after each failure, so a throttling server gets more and more room.
                    var backoff = step.Retry.Backoff * Math.Pow(2, failures - 1);
                    await store.AppendJournalAsync(step.Id, "retry", $"{failed.Message}; retrying in {backoff} (failure {failures} of {step.Retry.Attempts})", null, CancellationToken.None);
                    observer.Notice($"step {step.Id}: {failed.Message}; retrying in {backoff}");
                    await _sleeper.SleepUntilAsync(_time.GetUtcNow() + backoff, cancellationToken);
                    continue;
                case StepOutcome.Failed failed:
                    await store.MarkFailedAsync(step.Id, failed.Message, failed.Retryable, CancellationToken.None);
                    await PublishAsync(store, new RunEvent(RunEventKind.Failed, plan, step, failed.Message, _time.GetUtcNow()), CancellationToken.None);
                    return new ApplyResult.Failed(step.Id, failed.Message, failed.Retryable, exitCode);
            }
        }
    }

    /// <summary>Records the wait (once per distinct reason, so polling does not flood the journal), then stops or sleeps.</summary>
    private async Task<ApplyResult?> WaitAsync(RunbookPlan plan, StepDefinition step, StepRecord record, DateTimeOffset? until, string reason, IStateStore store, ApplyOptions options, CancellationToken cancellationToken, bool approval = false)
    {
        if (record.Status != StepStatus.Waiting || record.WaitReason != reason || record.WaitUntil != until)
        {
            await store.MarkWaitingAsync(step.Id, until, reason, CancellationToken.None);
            // Once per distinct wait, like the journal line: polling under --wait sends nothing more.
            var kind = approval ? RunEventKind.Approval : RunEventKind.Waiting;
            await PublishAsync(store, new RunEvent(kind, plan, step, reason, _time.GetUtcNow()) { Until = until }, CancellationToken.None);
        }

        // Under --wait an approval is polled every PollInterval for days: say it once, not at every poll.
        if (_lastWait != (step.Id, reason, until))
        {
            _lastWait = (step.Id, reason, until);
            observer.StepWaiting(step, until, reason, options.Wait);
        }

        if (!options.Wait)
        {
            return new ApplyResult.Waiting(step.Id, until, reason);
        }

        await _sleeper.SleepUntilAsync(until ?? _time.GetUtcNow() + services.PollInterval, cancellationToken);
        return null;
    }

    /// <summary>Calls the kind; the outcome is null when the user cancelled. Exceptions become failed outcomes.</summary>
    private async Task<(StepOutcome? Outcome, ExitCode ExitCode)> InvokeAsync(RunbookPlan plan, StepDefinition step, IStepKind kind, StepRecord record, StepApproval? approval, IStateStore store, CancellationToken cancellationToken)
    {
        using var timeout = step.Timeout is { } limit ? new CancellationTokenSource(limit, _time) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var accounts = await AccountsAsync(plan, step, kind, store, cancellationToken);
            var context = Context(plan, step, store, record, approval, accounts, dryRun: false);
            return (await kind.ApplyAsync(context, linked.Token), ExitCode.StepFailed);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return (null, ExitCode.Cancelled);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return (StepOutcome.Fail($"timed out after {step.Timeout}", retryable: true), ExitCode.StepFailed);
        }
        catch (RunbookException e)
        {
            return (StepOutcome.Fail(e.Message, e.Retryable), e.ExitCode);
        }
#pragma warning disable CA1031 // A bug in one step kind must end as a recorded failure, not a crash that leaves it "running".
        catch (Exception e)
#pragma warning restore CA1031
        {
            return (StepOutcome.Fail($"{e.GetType().Name}: {e.Message}", retryable: false), ExitCode.StepFailed);
        }
    }
}
