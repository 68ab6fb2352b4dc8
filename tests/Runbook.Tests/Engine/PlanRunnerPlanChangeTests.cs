using System.Text.Json.Nodes;
using Runbook.Engine;
using Runbook.Tests.Support;

namespace Runbook.Tests.Engine;

public sealed class PlanRunnerPlanChangeTests
{
    [Fact]
    public async Task Given_a_changed_middle_step_When_applied_without_acceptance_Then_it_refuses_and_names_the_steps_that_would_run_again()
    {
        using var h = new EngineHarness();
        await h.ApplyAsync(h.NewPlan().Step("backup").Step("migrate").Step("verify").Build());
        var changed = h.NewPlan().Step("backup").Step("migrate", units: 5).Step("verify").Build();

        var result = await h.ApplyAsync(changed);

        var refused = Assert.IsType<ApplyResult.PlanChanged>(result);
        Assert.Equal([new StepChange("migrate", StepChangeKind.Changed)], refused.Diff.Changes);
        Assert.Equal(["migrate", "verify"], refused.Diff.Invalidated);
        Assert.Equal(9, h.Destination.TotalWrites);
    }

    [Fact]
    public async Task Given_a_changed_step_When_applied_with_acceptance_Then_it_and_later_steps_run_again_and_only_new_effects_happen()
    {
        using var h = new EngineHarness();
        await h.ApplyAsync(h.NewPlan().Step("backup").Step("migrate").Step("verify").Build());
        var changed = h.NewPlan().Step("backup").Step("migrate", units: 5).Step("verify").Build();

        var result = await h.ApplyAsync(changed, o => o with { AcceptPlanChange = true });
        var again = await h.ApplyAsync(changed);

        Assert.Equal(new ApplyResult.Completed(2, 1), result);
        Assert.Equal(new ApplyResult.Completed(0, 3), again);
        Assert.Equal((1, 2, 2), (h.Kind.AppliesOf("backup"), h.Kind.AppliesOf("migrate"), h.Kind.AppliesOf("verify")));
        Assert.Equal(11, h.Destination.Writes.Count);
        Assert.All(h.Destination.Writes.Values, count => Assert.Equal(1, count));
    }

    [Fact]
    public async Task Given_a_plan_section_the_kind_depends_on_When_it_changes_Then_the_steps_of_that_kind_are_invalidated()
    {
        using var h = new EngineHarness();
        await h.ApplyAsync(h.NewPlan().Step("migrate").Build());
        var changed = h.NewPlan().Accounts(new JsonObject { ["alice@example.com"] = "added" }).Step("migrate").Build();

        var result = await h.ApplyAsync(changed);

        Assert.Equal(["migrate"], Assert.IsType<ApplyResult.PlanChanged>(result).Diff.Invalidated);
    }

    [Fact]
    public async Task Given_only_a_description_changes_When_applied_Then_nothing_runs_again()
    {
        using var h = new EngineHarness();
        await h.ApplyAsync(h.NewPlan().Step("migrate").Build());
        var reworded = h.NewPlan().Step("migrate", change: s => s with { Description = "now with words" }).Build();

        var result = await h.ApplyAsync(reworded);

        Assert.Equal(new ApplyResult.Completed(0, 1), result);
    }

    [Fact]
    public async Task Given_a_step_added_at_the_end_When_applied_Then_no_acceptance_is_needed_and_only_it_runs()
    {
        using var h = new EngineHarness();
        await h.ApplyAsync(h.NewPlan().Step("backup").Build());

        var result = await h.ApplyAsync(h.NewPlan().Step("backup").Step("verify").Build());

        Assert.Equal(new ApplyResult.Completed(1, 1), result);
    }

    [Fact]
    public async Task Given_a_step_inserted_before_done_steps_When_applied_Then_acceptance_is_needed_and_the_later_steps_run_again()
    {
        using var h = new EngineHarness();
        await h.ApplyAsync(h.NewPlan().Step("backup").Step("verify").Build());
        var inserted = h.NewPlan().Step("backup").Step("test_migration").Step("verify").Build();

        var refused = await h.ApplyAsync(inserted);
        var accepted = await h.ApplyAsync(inserted, o => o with { AcceptPlanChange = true });

        Assert.Equal(["verify"], Assert.IsType<ApplyResult.PlanChanged>(refused).Diff.Invalidated);
        Assert.Equal(new ApplyResult.Completed(2, 1), accepted);
        Assert.All(h.Destination.Writes.Values, count => Assert.Equal(1, count));
    }

    [Fact]
    public async Task Given_a_removed_step_that_ran_When_applied_Then_acceptance_is_needed()
    {
        using var h = new EngineHarness();
        await h.ApplyAsync(h.NewPlan().Step("backup").Step("verify").Build());

        var result = await h.ApplyAsync(h.NewPlan().Step("verify").Build());

        var diff = Assert.IsType<ApplyResult.PlanChanged>(result).Diff;
        Assert.Equal(["backup"], diff.RemovedWithHistory);
        Assert.Empty(diff.Invalidated);
    }
}
