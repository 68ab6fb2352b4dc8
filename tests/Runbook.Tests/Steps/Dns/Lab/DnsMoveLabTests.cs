using Runbook.Engine;
using Runbook.Steps.DnsCheck;
using Runbook.Steps.DnsLowerTtl;
using Runbook.Steps.DnsSwitchMx;
using Runbook.Steps.DnsWaitPropagation;
using Runbook.Steps.MailDeltaSync;
using Runbook.Tests.Lab;

namespace Runbook.Tests.Steps.Dns.Lab;

/// <summary>
/// The DNS part of a move against the lab's real BIND pair: every record is real, only the clock the steps compute
/// waits with is fake. The resolver's cache runs on real time, so the propagation wait is really waited (seconds).
/// </summary>
[Collection("lab")]
public sealed class DnsMoveLabTests(LabFixture fixture)
{
    private const int OldTtl = 8;
    private const int Lowered = 3;

    [Fact]
    public async Task Given_a_domain_with_a_long_MX_TTL_When_checked_lowered_switched_and_watched_Then_each_step_acts_on_what_the_servers_serve()
    {
        var token = LabClients.Timeout(90);
        var zone = new LabZone(fixture.Lab.Dns);
        await zone.CreateAsync(OldTtl, token);
        var h = new DnsStepHarness(zone.Settings(Lowered), fixture.Lab.Dns.Tsig.Secret);
        var adapter = zone.Adapter;
        // A resolver that fetched the MX just before the change: it keeps the old TTL's copy.
        Assert.Equal($"10 {zone.OldHost}", (await zone.MxAsync(viaResolver: true, token)).Data);

        // check: reads everything, changes nothing, warns about the TTL.
        var check = Assert.IsType<StepOutcome.Done>(await h.ApplyAsync(new DnsCheckStep(adapter), "check", token));
        Assert.Contains(check.Outputs["warnings"]!.AsArray(), w => w!.GetValue<string>().StartsWith($"MX TTL is {OldTtl} s, above dns.lowered_ttl ({Lowered} s)", StringComparison.Ordinal));
        Assert.Equal(OldTtl, (await zone.MxAsync(viaResolver: false, token)).Ttl);

        // switch-mx before lower-ttl is done: refused, nothing changed.
        var early = Assert.IsType<StepOutcome.Failed>(await h.ApplyAsync(new DnsSwitchMxStep(adapter), "switch-mx", token));
        Assert.Contains("lower-ttl has not lowered the TTL yet", early.Message, StringComparison.Ordinal);

        // lower-ttl: the TTL drops, targets unchanged, and the wait is the observed old TTL on the fake clock.
        var loweredAt = h.Time.GetUtcNow();
        var wait = Assert.IsType<StepOutcome.Waiting>(await h.ApplyAsync(new DnsLowerTtlStep(adapter), "lower-ttl", token));
        Assert.Equal(loweredAt.AddSeconds(OldTtl), wait.Until);
        Assert.Contains("switch-mx can run from 2026-12-04 22:00:08 +09:00", wait.Reason, StringComparison.Ordinal);
        Assert.Equal(($"10 {zone.OldHost}", Lowered), await zone.MxAsync(viaResolver: false, token));
        Assert.Contains(h.State.Journal, j => j.Message.StartsWith("lowered TTL", StringComparison.Ordinal));
        Assert.Contains(h.State.Journal, j => j.Detail?["question"]?["type"]?.GetValue<string>() == "MX" && j.Detail["answer"]![0]!["ttl"]!.GetValue<int>() == OldTtl);

        // After the old TTL, the resolvers get the last word; the step is then done with the earliest safe switch time.
        h.Time.Advance(TimeSpan.FromSeconds(OldTtl));
        var outcome = await h.ApplyAsync(new DnsLowerTtlStep(adapter), "lower-ttl", token);
        if (outcome is StepOutcome.Waiting extra)
        {
            Assert.Contains("a watched resolver still holds the MX", extra.Reason, StringComparison.Ordinal);
            h.Time.SetUtcNow(extra.Until!.Value);
            outcome = await h.ApplyAsync(new DnsLowerTtlStep(adapter), "lower-ttl", token);
        }

        var lowered = Assert.IsType<StepOutcome.Done>(outcome);
        Assert.Equal(OldTtl, lowered.Outputs["from_ttl"]!.GetValue<int>());
        Assert.True(DateTimeOffset.Parse(lowered.Outputs["earliest_switch_at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) >= loweredAt.AddSeconds(OldTtl));

        // The resolver caches the old MX (now with the lowered TTL) right before the switch.
        await WaitUntilResolverTtlAsync(zone, Lowered, token);
        var switched = Assert.IsType<StepOutcome.Done>(await h.ApplyAsync(new DnsSwitchMxStep(adapter), "switch-mx", token));
        Assert.Equal(($"10 {zone.NewHost}", Lowered), await zone.MxAsync(viaResolver: false, token));
        Assert.Equal(Lowered, switched.Outputs["max_mx_ttl_before_switch"]!.GetValue<int>());

        // The caching resolver still serves the old MX until its TTL runs out: the step names it and waits.
        var stale = Assert.IsType<StepOutcome.Waiting>(await h.ApplyAsync(new DnsWaitPropagationStep(adapter), "propagation", token));
        Assert.Contains($"isp answers MX 10 {zone.OldHost}", stale.Reason, StringComparison.Ordinal);
        Assert.InRange((stale.Until!.Value - h.Time.GetUtcNow()).TotalSeconds, 1, Lowered + 1);
        StepOutcome propagated;
        do
        {
            await Task.Delay(500, token);
            h.Time.Advance(TimeSpan.FromMilliseconds(500));
            propagated = await h.ApplyAsync(new DnsWaitPropagationStep(adapter), "propagation", token);
        }
        while (propagated is StepOutcome.Waiting);

        Assert.IsType<StepOutcome.Done>(propagated);
        Assert.Equal($"10 {zone.NewHost}", (await zone.MxAsync(viaResolver: true, token)).Data);

        // The delta sync's deadline: switch time + largest MX TTL before the switch + margin.
        var schedule = await DeltaSchedule.FromAsync(h.Context("delta"), token);
        var at = DateTimeOffset.Parse(switched.Outputs["switched_at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(at + TimeSpan.FromSeconds(Lowered) + TimeSpan.FromMinutes(30), schedule.Deadline);
    }

    [Fact]
    public async Task Given_the_switch_was_made_When_switch_mx_runs_again_Then_it_records_the_served_MX_and_sends_no_update()
    {
        var token = LabClients.Timeout();
        var zone = new LabZone(fixture.Lab.Dns);
        await zone.CreateAsync(Lowered, token);
        var h = new DnsStepHarness(zone.Settings(Lowered), fixture.Lab.Dns.Tsig.Secret);
        h.State.Outputs["lower-ttl"] = new() { ["earliest_switch_at"] = "2026-12-04T12:00:00Z", ["to_ttl"] = Lowered };

        Assert.IsType<StepOutcome.Done>(await h.ApplyAsync(new DnsSwitchMxStep(zone.Adapter), "switch-mx", token));
        var again = Assert.IsType<StepOutcome.Done>(await new DnsSwitchMxStep(zone.Adapter).ApplyAsync(h.Context("switch-mx"), token));

        Assert.Single(h.State.Journal, j => j.Message.StartsWith("switched MX", StringComparison.Ordinal));
        Assert.Equal(h.State.Outputs["switch-mx"]["switched_at"]!.GetValue<string>(), again.Outputs["switched_at"]!.GetValue<string>());
    }

    [Fact]
    public async Task Given_the_earliest_safe_switch_time_is_ahead_When_switch_mx_runs_Then_it_waits_naming_the_time_and_changes_nothing()
    {
        var token = LabClients.Timeout();
        var zone = new LabZone(fixture.Lab.Dns);
        await zone.CreateAsync(Lowered, token);
        var h = new DnsStepHarness(zone.Settings(Lowered), fixture.Lab.Dns.Tsig.Secret);
        h.State.Outputs["lower-ttl"] = new() { ["earliest_switch_at"] = "2026-12-04T14:05:00Z", ["lowered_at"] = "2026-12-04T13:05:00Z", ["to_ttl"] = Lowered };

        var gate = Assert.IsType<StepOutcome.Waiting>(await h.ApplyAsync(new DnsSwitchMxStep(zone.Adapter), "switch-mx", token));

        Assert.Equal(new DateTimeOffset(2026, 12, 4, 14, 5, 0, TimeSpan.Zero), gate.Until);
        Assert.Contains("switch-mx can run from 2026-12-04 23:05:00 +09:00", gate.Reason, StringComparison.Ordinal);
        Assert.Equal($"10 {zone.OldHost}", (await zone.MxAsync(viaResolver: false, token)).Data);
    }

    private static async Task WaitUntilResolverTtlAsync(LabZone zone, int ttl, CancellationToken token)
    {
        // The resolver may still hold the copy it fetched before the TTL was lowered; wait until it asked again.
        while ((await zone.MxAsync(viaResolver: true, token)).Ttl > ttl)
        {
            await Task.Delay(500, token);
        }
    }
}
