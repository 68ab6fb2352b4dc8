using Runbook.Engine;
using Runbook.Engine.Accounts;

namespace Runbook.Tests.Support;

/// <summary>
/// <c>test.per_account</c>: a kind done once per account, like mail.migrate. Counts how often each account ran, and
/// fails the accounts in <see cref="Failing"/>.
/// </summary>
internal sealed class PerAccountStepKind : IStepKind
{
    public string Name => "test.per_account";

    public IReadOnlyList<string> PlanSections => ["accounts"];

    public AccountScope Accounts => AccountScope.EachOnce;

    public Dictionary<string, int> Runs { get; } = new(StringComparer.OrdinalIgnoreCase);

    public HashSet<string> Failing { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Task<StepPreview> PreviewAsync(StepContext context, CancellationToken cancellationToken)
    {
        var open = AccountSelection.Select(context.Plan, context.Step).Where(a => !context.SettledAccounts.Contains(a.Email)).Select(a => a.Email);
        return Task.FromResult(StepPreview.Changes($"would run {string.Join(", ", open)}"));
    }

    public async Task<StepOutcome> ApplyAsync(StepContext context, CancellationToken cancellationToken)
    {
        var failed = new List<string>();
        foreach (var account in AccountSelection.Select(context.Plan, context.Step).Where(a => !context.SettledAccounts.Contains(a.Email)))
        {
            Runs[account.Email] = Runs.GetValueOrDefault(account.Email) + 1;
            var error = Failing.Contains(account.Email) ? "refused" : null;
            await context.State.SetAccountOutcomeAsync(account.Email, error, cancellationToken);
            if (error is not null)
            {
                failed.Add(account.Email);
            }
        }

        return failed.Count == 0 ? StepOutcome.Succeeded() : StepOutcome.Fail($"failed: {string.Join(", ", failed)}", retryable: false);
    }
}

/// <summary><c>test.every_pass</c>: a kind that covers every account on every run, like mail.delta_sync; done at once.</summary>
internal sealed class EveryPassStepKind : IStepKind
{
    public string Name => "test.every_pass";

    public IReadOnlyList<string> PlanSections => ["accounts"];

    public AccountScope Accounts => AccountScope.EveryPass;

    public int Runs { get; private set; }

    public Task<StepPreview> PreviewAsync(StepContext context, CancellationToken cancellationToken) => Task.FromResult(StepPreview.Changes("a pass"));

    public Task<StepOutcome> ApplyAsync(StepContext context, CancellationToken cancellationToken)
    {
        Runs++;
        return Task.FromResult<StepOutcome>(StepOutcome.Succeeded());
    }
}

/// <summary><c>test.parallel_progress</c>: reports progress and log lines from many tasks at once, as a mail pass over accounts does.</summary>
internal sealed class ParallelProgressStepKind : IStepKind
{
    public const int Tasks = 8;
    public const int Reports = 2000;

    public string Name => "test.parallel_progress";

    public Task<StepPreview> PreviewAsync(StepContext context, CancellationToken cancellationToken) => Task.FromResult(StepPreview.Changes("report"));

    public async Task<StepOutcome> ApplyAsync(StepContext context, CancellationToken cancellationToken)
    {
        using var start = new Barrier(Tasks);
        await Task.WhenAll(Enumerable.Range(0, Tasks).Select(task => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait(cancellationToken);
            for (var i = 0; i < Reports; i++)
            {
                context.Progress.Report(new StepProgress($"task {task}", i, Reports));
                context.Log.Info($"task {task} line {i}");
            }
        }, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default)));
        return StepOutcome.Succeeded();
    }
}
