using Runbook.Engine;
using Runbook.Plan.Model;
using Runbook.Tests.Support;

namespace Runbook.Tests.Engine;

/// <summary>A whole migration's worth of applies, waits, approvals, plan changes and resets against one destination.</summary>
public sealed class PlanRunnerStoryTests
{
    private static readonly WindowDefinition Weekend = new()
    {
        Name = "cutover", Days = [DayOfWeek.Friday, DayOfWeek.Saturday], From = new TimeOnly(22, 0), To = new TimeOnly(6, 0),
        Blackout = [new DateOnly(2026, 12, 4)],
    };

    [Fact]
    public async Task Given_a_week_of_runs_When_every_kind_of_interruption_happens_Then_each_effect_happened_exactly_once_and_all_is_done()
    {
        // Monday 2026-11-30 09:00 in Berlin (a DST zone); Friday the 4th is blacked out (its night too), so the cutover is Saturday night.
        using var h = new EngineHarness(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.FromHours(1)));
        TestPlanBuilder Plan(int backupUnits) => h.NewPlan().Timezone("Europe/Berlin").Window(Weekend)
            .Step("backup", units: backupUnits)
            .Step("lower_ttl", units: 1)
            .Step("switch", units: 1, change: s => s with { Window = "cutover", Approval = true, Requires = ["backup", "lower_ttl"] })
            .Step("migrate", units: 4)
            .Step("verify", units: 2);
        var plan = Plan(3).Build();
        var saturdayNight = new DateTimeOffset(2026, 12, 5, 22, 0, 0, TimeSpan.FromHours(1));
        var results = new List<ApplyResult>();

        results.Add(await h.ApplyAsync(plan));                                   // Monday: waits for the approval
        results.Add(await h.ApplyAsync(plan));                                   // nothing new
        await PlanRunnerWaitTests.ApproveAsync(h, plan, "switch", "customer");
        results.Add(await h.ApplyAsync(plan));                                   // window closed until Saturday 22:00
        var edited = Plan(5).Build();                                            // two more folders to back up
        results.Add(await h.ApplyAsync(edited));                                 // refused: backup ran already
        results.Add(await h.ApplyAsync(edited, o => o with { AcceptPlanChange = true }));
        await using (var state = await h.OpenStateAsync())
        {
            await state.ResetAsync("lower_ttl", "lower it again", CancellationToken.None);
        }

        results.Add(await h.ApplyAsync(edited, o => o with { Wait = true }));    // sleeps to Saturday night, finishes
        results.Add(await h.ApplyAsync(edited));

        Assert.Collection(results,
            r => Assert.StartsWith("waiting for approval", Assert.IsType<ApplyResult.Waiting>(r).Reason, StringComparison.Ordinal),
            r => Assert.IsType<ApplyResult.Waiting>(r),
            r => Assert.Equal(saturdayNight, Assert.IsType<ApplyResult.Waiting>(r).Until),
            r => Assert.Equal(["backup", "lower_ttl", "switch"], Assert.IsType<ApplyResult.PlanChanged>(r).Diff.Invalidated),
            r => Assert.Equal(saturdayNight, Assert.IsType<ApplyResult.Waiting>(r).Until),
            r => Assert.Equal(new ApplyResult.Completed(4, 1), r),
            r => Assert.Equal(new ApplyResult.Completed(0, 5), r));
        Assert.Equal([saturdayNight], h.Sleeper.Sleeps);
        Assert.Equal(13, h.Destination.Writes.Count);
        Assert.All(h.Destination.Writes.Values, count => Assert.Equal(1, count));
    }
}
