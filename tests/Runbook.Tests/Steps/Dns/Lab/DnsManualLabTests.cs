using Runbook.Engine;
using Runbook.Plan.Model;
using Runbook.Steps.DnsLowerTtl;
using Runbook.Steps.DnsSwitchMx;
using Runbook.Tests.Lab;

namespace Runbook.Tests.Steps.Dns.Lab;

/// <summary>The <c>manual</c> provider against the real BIND: the instruction, the approval, and a wrong change caught.</summary>
[Collection("lab")]
public sealed class DnsManualLabTests(LabFixture fixture)
{
    [Fact]
    public async Task Given_manual_provider_When_lower_ttl_runs_Then_it_shows_the_change_waits_for_approval_and_catches_an_approval_without_the_change()
    {
        var token = LabClients.Timeout();
        var zone = new LabZone(fixture.Lab.Dns);
        await zone.CreateAsync(8, token, hostTtl: 3);
        var h = new DnsStepHarness(zone.Settings(3, DnsProviderKind.Manual), "unused");
        var step = new DnsLowerTtlStep(zone.Adapter);

        var asked = Assert.IsType<StepOutcome.Waiting>(await h.ApplyAsync(step, "lower-ttl", token));
        Assert.Null(asked.Until);
        Assert.Contains($"{zone.Domain} MX 10 {zone.OldHost} TTL 8 → TTL 3", asked.Reason, StringComparison.Ordinal);
        Assert.Contains("runbook approve /plans/acme.yaml lower-ttl", asked.Reason, StringComparison.Ordinal);
        Assert.Contains(h.State.Journal, j => j.Message.StartsWith("manual DNS change requested", StringComparison.Ordinal));

        // Approved, but nobody changed anything: the served TTL says so.
        h.Time.Advance(TimeSpan.FromMinutes(1));
        h.Approval = new StepApproval("Yuki Tanaka", h.Time.GetUtcNow());
        var notDone = Assert.IsType<StepOutcome.Failed>(await h.ApplyAsync(step, "lower-ttl", token));
        Assert.Contains("approved but ns1", notDone.Message, StringComparison.Ordinal);

        // The next apply asks again; the change is made as asked and approved: the wait starts.
        h.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.IsType<StepOutcome.Waiting>(await h.ApplyAsync(step, "lower-ttl", token));
        await zone.SetMxAsync(zone.OldHost, 3, token);
        h.Time.Advance(TimeSpan.FromMinutes(1));
        h.Approval = new StepApproval("Yuki Tanaka", h.Time.GetUtcNow());
        var wait = Assert.IsType<StepOutcome.Waiting>(await h.ApplyAsync(step, "lower-ttl", token));
        Assert.Equal(h.Time.GetUtcNow().AddSeconds(8), wait.Until);
    }

    [Fact]
    public async Task Given_manual_provider_When_the_MX_is_switched_to_a_wrong_host_Then_switch_mx_fails_with_the_difference()
    {
        var token = LabClients.Timeout();
        var zone = new LabZone(fixture.Lab.Dns);
        await zone.CreateAsync(3, token);
        var h = new DnsStepHarness(zone.Settings(3, DnsProviderKind.Manual), "unused");
        h.State.Outputs["lower-ttl"] = new() { ["earliest_switch_at"] = "2026-12-04T12:00:00Z", ["to_ttl"] = 3 };
        var step = new DnsSwitchMxStep(zone.Adapter);

        var asked = Assert.IsType<StepOutcome.Waiting>(await h.ApplyAsync(step, "switch-mx", token));
        Assert.Contains($"MX 10 {zone.OldHost} TTL 3 → MX 10 {zone.NewHost} TTL 3", asked.Reason, StringComparison.Ordinal);

        // Outside the zone: BIND itself refuses an in-zone MX host without an address.
        await zone.SetMxAsync("mx.newhost-typo.test.", 3, token);
        h.Time.Advance(TimeSpan.FromMinutes(5));
        h.Approval = new StepApproval("Yuki Tanaka", h.Time.GetUtcNow());
        var wrong = Assert.IsType<StepOutcome.Failed>(await h.ApplyAsync(step, "switch-mx", token));

        Assert.Contains($"serves MX 10 mx.newhost-typo.test., which is neither dns.mx.old (MX 10 {zone.OldHost}) nor dns.mx.new (MX 10 {zone.NewHost})", wrong.Message, StringComparison.Ordinal);
    }
}
