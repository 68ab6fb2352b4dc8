using Runbook.Engine;
using Runbook.Tests.Support;

namespace Runbook.Tests.Engine;

public sealed class PlanRunnerApplyTests
{
    [Fact]
    public async Task Given_a_fresh_state_When_applied_twice_Then_every_effect_happens_once_and_the_second_apply_skips_everything()
    {
        using var h = new EngineHarness();
        var plan = h.NewPlan().Step("backup").Step("migrate", units: 4).Build();

        var first = await h.ApplyAsync(plan);
        var second = await h.ApplyAsync(plan);

        Assert.Equal(new ApplyResult.Completed(2, 0), first);
        Assert.Equal(new ApplyResult.Completed(0, 2), second);
        Assert.Equal(7, h.Destination.Writes.Count);
        Assert.All(h.Destination.Writes.Values, count => Assert.Equal(1, count));
        Assert.Equal(1, h.Kind.AppliesOf("migrate"));
    }

    [Fact]
    public async Task Given_a_done_step_When_it_is_reset_and_applied_Then_it_runs_again_without_repeating_effects_and_later_steps_stay_done()
    {
        using var h = new EngineHarness();
        var plan = h.NewPlan().Step("backup").Step("migrate").Build();
        await h.ApplyAsync(plan);

        await using (var state = await h.OpenStateAsync())
        {
            await state.ResetAsync("backup", "reset by test", CancellationToken.None);
        }

        var result = await h.ApplyAsync(plan);

        Assert.Equal(new ApplyResult.Completed(1, 1), result);
        Assert.Equal(2, h.Kind.AppliesOf("backup"));
        Assert.Equal(1, h.Kind.AppliesOf("migrate"));
        Assert.All(h.Destination.Writes.Values, count => Assert.Equal(1, count));
    }

    [Fact]
    public async Task Given_a_step_that_fails_retryably_twice_When_its_policy_allows_three_attempts_Then_it_succeeds_after_two_doubling_backoffs()
    {
        using var h = new EngineHarness();
        var plan = h.NewPlan().Step("migrate", change: s => s with { Retry = new() { Attempts = 3, Backoff = TimeSpan.FromMinutes(5) } }).Build();
        var failures = 0;
        h.Kind.Script = _ => ++failures <= 2 ? StepOutcome.Fail("server busy", retryable: true) : null;
        var start = h.Time.GetUtcNow();

        var result = await h.ApplyAsync(plan);

        Assert.IsType<ApplyResult.Completed>(result);
        Assert.Equal([start.AddMinutes(5), start.AddMinutes(15)], h.Sleeper.Sleeps); // 5 min, then doubled
        Assert.Equal(3, h.Destination.TotalWrites);
    }

    [Fact]
    public async Task Given_a_step_that_fails_for_good_When_applied_Then_the_apply_stops_there_and_later_steps_do_not_run()
    {
        using var h = new EngineHarness();
        var plan = h.NewPlan().Step("backup").Step("migrate").Build();
        h.Kind.Script = c => c.Step.Id == "backup" ? StepOutcome.Fail("disk full", retryable: false) : null;

        var result = await h.ApplyAsync(plan);

        Assert.Equal(new ApplyResult.Failed("backup", "disk full", false), result);
        Assert.Equal(0, h.Kind.AppliesOf("migrate"));
        await using var state = await h.OpenStateAsync();
        Assert.Equal(StepStatus.Failed, (await state.GetStepsAsync(CancellationToken.None))["backup"].Status);
    }

    [Fact]
    public async Task Given_a_step_requiring_an_undone_step_When_applied_alone_with_step_Then_the_gate_fails_clearly_and_nothing_runs()
    {
        using var h = new EngineHarness();
        var plan = h.NewPlan().Step("backup").Step("migrate", change: s => s with { Requires = ["backup"] }).Build();

        var result = await h.ApplyAsync(plan, o => o with { OnlyStep = "migrate" });

        var failed = Assert.IsType<ApplyResult.Failed>(result);
        Assert.Contains("requires backup to have succeeded, but it is pending", failed.Message, StringComparison.Ordinal);
        Assert.Equal(0, h.Destination.TotalWrites);
    }

    [Fact]
    public async Task Given_from_a_middle_step_When_applied_Then_earlier_steps_are_not_run()
    {
        using var h = new EngineHarness();
        var plan = h.NewPlan().Step("backup").Step("migrate").Step("verify").Build();

        var result = await h.ApplyAsync(plan, o => o with { FromStep = "migrate" });

        Assert.Equal(new ApplyResult.Completed(2, 0), result);
        Assert.Equal(0, h.Kind.AppliesOf("backup"));
    }

    [Fact]
    public async Task Given_ctrl_c_during_a_unit_When_applied_Then_it_returns_cancelled_the_step_is_pending_and_the_next_apply_finishes_without_repeats()
    {
        using var h = new EngineHarness();
        var plan = h.NewPlan().Step("migrate", units: 5).Build();
        using var cts = new CancellationTokenSource();
        h.Kind.BeforeUnit = (_, unit) =>
        {
            if (unit == 3)
            {
                cts.Cancel();
            }
        };

        var cancelled = await h.ApplyAsync(plan, cancellationToken: cts.Token);
        h.Kind.BeforeUnit = null;
        var writesAfterCancel = h.Destination.TotalWrites;
        var resumed = await h.ApplyAsync(plan);

        Assert.Equal(new ApplyResult.Cancelled("migrate"), cancelled);
        Assert.Equal(2, writesAfterCancel);
        Assert.IsType<ApplyResult.Completed>(resumed);
        Assert.Equal(5, h.Destination.Writes.Count);
        Assert.All(h.Destination.Writes.Values, count => Assert.Equal(1, count));
    }

    [Fact]
    public async Task Given_a_step_with_a_timeout_When_its_work_outlasts_it_on_the_clock_Then_it_fails_retryably_saying_so()
    {
        using var h = new EngineHarness();
        var plan = h.NewPlan().Step("migrate", units: 3, change: s => s with { Timeout = TimeSpan.FromMinutes(10) }).Build();
        h.Kind.BeforeUnit = (_, _) => h.Time.Advance(TimeSpan.FromMinutes(6));

        var result = await h.ApplyAsync(plan);

        Assert.Equal(new ApplyResult.Failed("migrate", "timed out after 00:10:00", true), result);
        Assert.Equal(1, h.Destination.TotalWrites); // unit 2 starts at minute 12, past the limit
    }

    [Fact]
    public async Task Given_a_step_kind_that_throws_a_bug_When_applied_Then_the_step_is_recorded_failed_not_left_running()
    {
        using var h = new EngineHarness();
        var plan = h.NewPlan().Step("migrate").Build();
        h.Kind.Script = _ => throw new InvalidOperationException("oops");

        var result = await h.ApplyAsync(plan);

        Assert.Equal("InvalidOperationException: oops", Assert.IsType<ApplyResult.Failed>(result).Message);
        await using var state = await h.OpenStateAsync();
        Assert.Equal(StepStatus.Failed, (await state.GetStepsAsync(CancellationToken.None))["migrate"].Status);
    }

    [Fact]
    public async Task Given_outputs_of_an_earlier_step_When_a_later_step_runs_Then_it_can_read_them()
    {
        using var h = new EngineHarness();
        var plan = h.NewPlan().Step("backup", units: 2).Step("migrate").Build();
        string? seen = null;
        h.Kind.BeforeUnit = (c, _) => seen ??= c.Step.Id == "migrate" ? c.State.GetOutputsAsync("backup", CancellationToken.None).Result?.ToJsonString() : null;

        await h.ApplyAsync(plan);

        Assert.Equal("""{"written":2}""", seen);
    }
}
