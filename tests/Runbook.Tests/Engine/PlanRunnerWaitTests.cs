using Runbook.Engine;
using Runbook.Plan.Model;
using Runbook.Tests.Support;

namespace Runbook.Tests.Engine;

public sealed class PlanRunnerWaitTests
{
    // 2026-12-05 is a Saturday; 12:00 JST.
    private static readonly DateTimeOffset SaturdayNoonTokyo = new(2026, 12, 5, 12, 0, 0, TimeSpan.FromHours(9));

    private static readonly WindowDefinition Night = new()
    {
        Name = "night", Days = [DayOfWeek.Saturday], From = new TimeOnly(22, 0), To = new TimeOnly(4, 0),
    };

    [Fact]
    public async Task Given_a_step_in_a_closed_window_When_applied_Then_it_waits_until_the_opening_and_runs_once_the_clock_gets_there()
    {
        using var h = new EngineHarness(SaturdayNoonTokyo);
        var plan = h.NewPlan().Window(Night).Step("backup").Step("switch", change: s => s with { Window = "night" }).Build();

        var waiting = await h.ApplyAsync(plan);
        h.Time.SetUtcNow(new DateTimeOffset(2026, 12, 5, 22, 0, 0, TimeSpan.FromHours(9)));
        var done = await h.ApplyAsync(plan);

        var wait = Assert.IsType<ApplyResult.Waiting>(waiting);
        Assert.Equal(("switch", new DateTimeOffset(2026, 12, 5, 13, 0, 0, TimeSpan.Zero)), (wait.StepId, wait.Until!.Value));
        Assert.Contains("window night is closed; it opens 2026-12-05 22:00 +09:00 (Asia/Tokyo)", wait.Reason, StringComparison.Ordinal);
        Assert.Equal(new ApplyResult.Completed(1, 1), done);
        Assert.Equal(6, h.Destination.TotalWrites);
    }

    [Fact]
    public async Task Given_wait_When_a_step_is_in_a_closed_window_Then_apply_sleeps_until_it_opens_and_finishes()
    {
        using var h = new EngineHarness(SaturdayNoonTokyo);
        var plan = h.NewPlan().Window(Night).Step("switch", change: s => s with { Window = "night" }).Build();

        var result = await h.ApplyAsync(plan, o => o with { Wait = true });

        Assert.IsType<ApplyResult.Completed>(result);
        Assert.Equal([new DateTimeOffset(2026, 12, 5, 13, 0, 0, TimeSpan.Zero)], h.Sleeper.Sleeps);
    }

    [Fact]
    public async Task Given_a_step_that_waits_for_a_time_When_applied_repeatedly_Then_it_resumes_after_the_time_and_effects_happen_once()
    {
        using var h = new EngineHarness();
        var plan = h.NewPlan().Step("lower_ttl").Step("ttl_wait").Step("switch").Build();
        var expires = h.Time.GetUtcNow().AddHours(1);
        h.Kind.Script = c => c.Step.Id == "ttl_wait" && c.Time.GetUtcNow() < expires ? StepOutcome.WaitUntil(expires, "old TTL not expired") : null;

        var first = await h.ApplyAsync(plan);
        var again = await h.ApplyAsync(plan);
        h.Time.Advance(TimeSpan.FromHours(1));
        var done = await h.ApplyAsync(plan);

        Assert.Equal(expires, Assert.IsType<ApplyResult.Waiting>(first).Until);
        Assert.IsType<ApplyResult.Waiting>(again);
        Assert.Equal(new ApplyResult.Completed(2, 1), done);
        Assert.Equal(9, h.Destination.Writes.Count);
        Assert.All(h.Destination.Writes.Values, count => Assert.Equal(1, count));
    }

    [Fact]
    public async Task Given_a_pause_step_When_applied_before_and_after_approve_Then_it_stops_with_its_message_then_resumes()
    {
        using var h = new EngineHarness();
        var plan = h.NewPlan().Step("tell_users", uses: "pause", change: s => s with { With = new() { ["message"] = "mail the users the new settings" } }).Step("switch").Build();

        var paused = await h.ApplyAsync(plan);
        await ApproveAsync(h, plan, "tell_users", "kenji");
        var done = await h.ApplyAsync(plan);

        Assert.StartsWith("paused: mail the users the new settings", Assert.IsType<ApplyResult.Waiting>(paused).Reason, StringComparison.Ordinal);
        Assert.Equal(new ApplyResult.Completed(2, 0), done);
    }

    [Fact]
    public async Task Given_an_approval_gate_When_applied_before_and_after_approve_Then_it_waits_then_runs_and_records_who()
    {
        using var h = new EngineHarness();
        var plan = h.NewPlan().Step("switch", change: s => s with { Approval = true }).Build();

        var waiting = await h.ApplyAsync(plan);
        await ApproveAsync(h, plan, "switch", "yuki");
        var done = await h.ApplyAsync(plan);

        Assert.StartsWith("waiting for approval", Assert.IsType<ApplyResult.Waiting>(waiting).Reason, StringComparison.Ordinal);
        Assert.IsType<ApplyResult.Completed>(done);
        await using var state = await h.OpenStateAsync();
        var journal = await state.ReadJournalAsync(CancellationToken.None);
        Assert.Contains(journal, e => e.Event == "approved" && e.Message == "approved by yuki");
    }

    [Fact]
    public async Task Given_wait_and_an_approval_given_while_apply_sleeps_When_applied_Then_it_polls_and_runs_after_the_approval()
    {
        using var h = new EngineHarness();
        var plan = h.NewPlan().Step("switch", change: s => s with { Approval = true }).Build();
        h.Sleeper.WhileAsleep = async () =>
        {
            if (h.Sleeper.Sleeps.Count == 3)
            {
                await ApproveAsync(h, plan, "switch", "ops");
            }
        };

        var result = await h.ApplyAsync(plan, o => o with { Wait = true });

        Assert.IsType<ApplyResult.Completed>(result);
        Assert.Equal(3, h.Sleeper.Sleeps.Count);
        await using var state = await h.OpenStateAsync();
        // Polling three times recorded and reported the wait once.
        Assert.Single(await state.ReadJournalAsync(CancellationToken.None), e => e.Event == "waiting");
        Assert.Single(h.Observer.Lines, l => l.StartsWith("switch: waiting", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Given_an_approval_When_the_step_definition_changes_afterwards_Then_it_needs_a_new_approval()
    {
        using var h = new EngineHarness();
        var plan = h.NewPlan().Step("switch", change: s => s with { Approval = true }).Build();
        await ApproveAsync(h, plan, "switch", "yuki");
        var changed = h.NewPlan().Step("switch", units: 9, change: s => s with { Approval = true }).Build();

        var result = await h.ApplyAsync(changed);

        Assert.Contains("changed since yuki approved it", Assert.IsType<ApplyResult.Waiting>(result).Reason, StringComparison.Ordinal);
        Assert.Equal(0, h.Destination.TotalWrites);
    }

    internal static async Task ApproveAsync(EngineHarness h, RunbookPlan plan, string stepId, string by)
    {
        var step = plan.Steps.Single(s => s.Id == stepId);
        await using var state = await h.OpenStateAsync();
        IStepKind kind = step.Uses == "pause" ? new Runbook.Steps.Pause.PauseStep() : h.Kind;
        await state.ApproveAsync(stepId, StepFingerprint.Compute(plan, step, kind), by, CancellationToken.None);
    }
}
