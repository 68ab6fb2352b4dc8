using Runbook.Engine;
using Runbook.Tests.Support;

namespace Runbook.Tests.Engine;

/// <summary>Per-account steps: an edit to the plan's accounts redoes only the accounts it touches.</summary>
public sealed class PlanRunnerAccountTests
{
    private static (EngineHarness Harness, PerAccountStepKind Kind) Harness()
    {
        var kind = new PerAccountStepKind();
        return (new EngineHarness(null, kind), kind);
    }

    private static Runbook.Plan.Model.RunbookPlan Plan(EngineHarness h, params (string, string)[] accounts) =>
        h.NewPlan().AccountList(accounts)
            .Step("copy", "test.per_account")
            .Step("gate", "pause", change: s => s with { With = new() { ["message"] = "tell the users" } })
            .Step("after", "test.per_account")
            .Build();

    [Fact]
    public async Task Given_a_done_per_account_step_When_an_account_is_added_Then_only_that_account_runs_and_no_approval_is_asked_again()
    {
        var (h, kind) = Harness();
        using var _ = h;
        Assert.IsType<ApplyResult.Waiting>(await h.ApplyAsync(Plan(h, ("a@x", "a"), ("b@x", "b"))));
        await PlanRunnerWaitTests.ApproveAsync(h, Plan(h, ("a@x", "a"), ("b@x", "b")), "gate", "kenji");
        Assert.IsType<ApplyResult.Completed>(await h.ApplyAsync(Plan(h, ("a@x", "a"), ("b@x", "b"))));

        var result = await h.ApplyAsync(Plan(h, ("a@x", "a"), ("b@x", "b"), ("c@x", "c")));

        // copy and after run for c@x alone; the approved pause between them stays done.
        Assert.Equal(new ApplyResult.Completed(2, 1), result);
        Assert.Equal((2, 2, 2), (kind.Runs["a@x"], kind.Runs["b@x"], kind.Runs["c@x"]));
        Assert.Contains(h.Observer.Lines, l => l.Contains("step copy reopens for 1 account(s) it has not done: c@x", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Given_an_account_whose_login_changed_When_applied_Then_acceptance_is_needed_and_then_that_account_alone_runs_again()
    {
        var (h, kind) = Harness();
        using var _ = h;
        var plan = h.NewPlan().AccountList(("a@x", "a"), ("b@x", "b")).Step("copy", "test.per_account").Build();
        await h.ApplyAsync(plan);
        var changed = h.NewPlan().AccountList(("a@x", "a"), ("b@x", "b2")).Step("copy", "test.per_account").Build();

        var refused = Assert.IsType<ApplyResult.PlanChanged>(await h.ApplyAsync(changed));
        var accepted = await h.ApplyAsync(changed, o => o with { AcceptPlanChange = true });

        Assert.Equal(["copy: b@x"], refused.Diff.ChangedAccounts);
        Assert.Empty(refused.Diff.Invalidated);
        Assert.Equal(new ApplyResult.Completed(1, 0), accepted);
        Assert.Equal((1, 2), (kind.Runs["a@x"], kind.Runs["b@x"]));
    }

    [Fact]
    public async Task Given_one_failing_account_When_applied_again_after_the_fix_Then_only_that_account_runs_again()
    {
        var (h, kind) = Harness();
        using var _ = h;
        var plan = h.NewPlan().AccountList(("a@x", "a"), ("b@x", "b"), ("c@x", "c")).Step("copy", "test.per_account").Build();
        kind.Failing.Add("b@x");

        var failed = Assert.IsType<ApplyResult.Failed>(await h.ApplyAsync(plan));
        kind.Failing.Clear();
        var fixedRun = await h.ApplyAsync(plan);

        Assert.Contains("b@x", failed.Message, StringComparison.Ordinal);
        Assert.Equal(new ApplyResult.Completed(1, 0), fixedRun);
        Assert.Equal((1, 2, 1), (kind.Runs["a@x"], kind.Runs["b@x"], kind.Runs["c@x"]));
    }

    [Fact]
    public async Task Given_a_done_every_pass_step_When_applied_again_or_an_account_is_added_Then_it_is_not_reopened()
    {
        var every = new EveryPassStepKind();
        using var h = new EngineHarness(null, every);
        await h.ApplyAsync(h.NewPlan().AccountList(("a@x", "a")).Step("delta", "test.every_pass").Build());

        var again = await h.ApplyAsync(h.NewPlan().AccountList(("a@x", "a")).Step("delta", "test.every_pass").Build());
        var added = await h.ApplyAsync(h.NewPlan().AccountList(("a@x", "a"), ("b@x", "b")).Step("delta", "test.every_pass").Build());

        Assert.Equal(new ApplyResult.Completed(0, 1), again);
        Assert.Equal(new ApplyResult.Completed(0, 1), added);
        Assert.Equal(1, every.Runs);
        Assert.DoesNotContain(h.Observer.Lines, l => l.Contains("reopens", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Given_a_reset_per_account_step_When_applied_Then_every_account_runs_again()
    {
        var (h, kind) = Harness();
        using var _ = h;
        var plan = h.NewPlan().AccountList(("a@x", "a"), ("b@x", "b")).Step("copy", "test.per_account").Build();
        await h.ApplyAsync(plan);
        await using (var store = await h.OpenStateAsync())
        {
            await store.ResetAsync("copy", "reset by test", CancellationToken.None);
        }

        await h.ApplyAsync(plan);

        Assert.Equal((2, 2), (kind.Runs["a@x"], kind.Runs["b@x"]));
    }

    [Fact]
    public async Task Given_a_step_reporting_from_parallel_tasks_When_applied_Then_the_observer_is_called_one_at_a_time()
    {
        using var h = new EngineHarness();
        var observer = new OverlapObserver();
        var runner = new PlanRunner(new EngineServices
        {
            Kinds = new StepKindRegistry([new ParallelProgressStepKind()]),
            Time = h.Time,
            State = new Runbook.Adapters.State.SqliteStateBackend(),
            Secrets = plan => new Runbook.Adapters.Secrets.PlanSecretResolver(plan),
        }, observer);

        var result = await runner.ApplyAsync(h.NewPlan().Step("copy", "test.parallel_progress").Build(), new ApplyOptions { StatePath = h.StatePath }, CancellationToken.None);

        Assert.IsType<ApplyResult.Completed>(result);
        Assert.Equal(2 * ParallelProgressStepKind.Tasks * ParallelProgressStepKind.Reports, observer.Calls);
        Assert.Equal(0, observer.Overlaps);
    }

    /// <summary>Counts calls that arrive while another is still inside: console observers are not thread-safe.</summary>
    private sealed class OverlapObserver : IRunObserver
    {
        private int _inside;

        public int Calls { get; private set; }
        public int Overlaps { get; private set; }

        public void StepProgress(Runbook.Plan.Model.StepDefinition step, StepProgress progress) => Enter();
        public void StepLog(Runbook.Plan.Model.StepDefinition step, string message, bool warning) => Enter();
        public void Notice(string message) { }
        public void StepSkipped(Runbook.Plan.Model.StepDefinition step, string reason) { }
        public void StepStarting(Runbook.Plan.Model.StepDefinition step, int attempt) { }
        public void StepFinished(Runbook.Plan.Model.StepDefinition step, StepOutcome outcome) { }
        public void StepWaiting(Runbook.Plan.Model.StepDefinition step, DateTimeOffset? until, string reason, bool sleeping) { }

        private void Enter()
        {
            if (Interlocked.Increment(ref _inside) > 1)
            {
                Overlaps++;
            }

            Thread.SpinWait(200);
            Calls++;
            Interlocked.Decrement(ref _inside);
        }
    }
}
