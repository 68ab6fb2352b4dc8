using Runbook.Adapters.Dns;
using Runbook.Engine;
using Runbook.Errors;
using Runbook.Plan.Model;
using Runbook.Steps.DnsCheck;
using Runbook.Steps.DnsLowerTtl;
using Runbook.Steps.DnsSwitchMx;
using Runbook.Steps.DnsWaitPropagation;

namespace Runbook.Tests.Steps.Dns;

/// <summary>The steps' rules over a scripted DNS: dry runs, the poll arithmetic, faults no lab can produce on demand.</summary>
public sealed class DnsStepsTests
{
    private static DnsSettings Settings => new()
    {
        Zone = "acme.test",
        Authoritative = [new DnsServerAddress("192.0.2.53", 53, "ns1")],
        Resolvers = [new DnsServerAddress("192.0.2.54", 53, "isp"), new DnsServerAddress("192.0.2.55", 53, "office")],
        Provider = DnsProviderKind.Rfc2136,
        Key = new TsigKey { Name = "k", Secret = new SecretReference { Env = "K" } },
        OldMx = [new MxRecord(10, "mx.old.test")],
        NewMx = [new MxRecord(10, "mx.new.test")],
        LoweredTtl = 300,
    };

    private static FakeDns ServingOld(int ttl)
    {
        var dns = new FakeDns();
        dns.Answers[("acme.test.", DnsType.Mx)] = (DnsRcode.NoError, [FakeDns.Mx("mx.old.test.", ttl)]);
        return dns;
    }

    [Fact]
    public async Task Given_plan_When_previewing_every_dns_step_Then_nothing_is_written_and_the_diff_and_the_safe_time_are_shown()
    {
        var dns = ServingOld(3600);
        var h = new DnsStepHarness(Settings, Convert.ToBase64String(new byte[32]));

        var lower = await new DnsLowerTtlStep(dns).PreviewAsync(h.Context("lower-ttl", dryRun: true), CancellationToken.None);
        var change = await new DnsSwitchMxStep(dns).PreviewAsync(h.Context("switch-mx", dryRun: true), CancellationToken.None);
        await new DnsCheckStep(dns).PreviewAsync(h.Context("check", dryRun: true), CancellationToken.None);
        await new DnsWaitPropagationStep(dns).PreviewAsync(h.Context("propagation", dryRun: true), CancellationToken.None);

        Assert.Equal("lower MX TTL 3600 → 300 in zone acme.test. by RFC 2136 update to ns1 (192.0.2.53:53)", lower.Summary);
        Assert.Contains("acme.test. MX 10 mx.old.test. TTL 3600 → TTL 300", lower.Details);
        Assert.Contains("then wait 3600 s for the old TTL to run out: switch-mx could run from 2026-12-04 23:00:00 +09:00 at the earliest", lower.Details);
        Assert.Contains("acme.test. MX 10 mx.old.test. TTL 3600 → MX 10 mx.new.test. TTL 300", change.Details);
        Assert.Equal(0, dns.Updates);
        Assert.Empty(h.State.Journal);
        Assert.Empty(h.State.Checkpoints);
    }

    [Fact]
    public async Task Given_an_MX_TTL_already_below_the_lowered_TTL_When_lowered_and_switched_Then_nothing_is_raised()
    {
        var dns = ServingOld(3);
        var h = new DnsStepHarness(Settings, Convert.ToBase64String(new byte[32]));

        Assert.IsType<StepOutcome.Waiting>(await h.ApplyAsync(new DnsLowerTtlStep(dns), "lower-ttl", CancellationToken.None));
        h.Time.Advance(TimeSpan.FromSeconds(3));
        var done = Assert.IsType<StepOutcome.Done>(await h.ApplyAsync(new DnsLowerTtlStep(dns), "lower-ttl", CancellationToken.None));
        var change = await new DnsSwitchMxStep(dns).PreviewAsync(h.Context("switch-mx", dryRun: true), CancellationToken.None);

        Assert.Equal(0, dns.Updates);
        Assert.Equal(3, done.Outputs["to_ttl"]!.GetValue<int>());
        Assert.StartsWith("MX TTL 3 s, already at most 300 s, at ", done.Outputs["summary"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("acme.test. MX 10 mx.old.test. TTL 3 → MX 10 mx.new.test. TTL 3", change.Details);
    }

    [Fact]
    public async Task Given_a_SERVFAIL_When_lowering_Then_the_step_fails_retryably_and_sends_no_update()
    {
        var dns = new FakeDns();
        dns.Answers[("acme.test.", DnsType.Soa)] = (DnsRcode.ServFail, []);
        var h = new DnsStepHarness(Settings, Convert.ToBase64String(new byte[32]));

        var e = await Assert.ThrowsAsync<StepFailedException>(() => h.ApplyAsync(new DnsLowerTtlStep(dns), "lower-ttl", CancellationToken.None));

        Assert.True(e.Retryable);
        Assert.StartsWith("SERVFAIL from ns1", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, dns.Updates);
    }

    [Fact]
    public async Task Given_one_resolver_still_caches_the_old_MX_When_waiting_for_propagation_Then_it_is_named_and_the_next_poll_is_when_its_copy_expires()
    {
        var dns = new FakeDns();
        dns.PerServer["isp"] = new() { [("acme.test.", DnsType.Mx)] = [FakeDns.Mx("mx.new.test.", 300)] };
        dns.PerServer["office"] = new() { [("acme.test.", DnsType.Mx)] = [FakeDns.Mx("mx.old.test.", 42)] };
        var h = new DnsStepHarness(Settings, "");
        var start = h.Time.GetUtcNow();

        var wait = Assert.IsType<StepOutcome.Waiting>(await new DnsWaitPropagationStep(dns).ApplyAsync(h.Context("propagation", firstStarted: start), CancellationToken.None));

        Assert.Equal(start.AddSeconds(43), wait.Until);
        Assert.Equal("1 of 2 resolvers still answer the old MX: office answers MX 10 mx.old.test. (42 s left of its TTL)", wait.Reason);
        h.Time.Advance(TimeSpan.FromHours(1));
        var failed = Assert.IsType<StepOutcome.Failed>(await new DnsWaitPropagationStep(dns).ApplyAsync(h.Context("propagation", firstStarted: start), CancellationToken.None));
        Assert.StartsWith("after 01:00:00, 1 of 2 resolvers do not answer the new MX: office", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_the_served_MX_is_neither_old_nor_new_When_switching_Then_it_fails_and_sends_no_update()
    {
        var dns = new FakeDns();
        dns.Answers[("acme.test.", DnsType.Mx)] = (DnsRcode.NoError, [FakeDns.Mx("mx.other.test.", 300)]);
        var h = new DnsStepHarness(Settings, Convert.ToBase64String(new byte[32]));
        h.State.Outputs["lower-ttl"] = new() { ["earliest_switch_at"] = "2026-12-04T12:00:00Z", ["to_ttl"] = 300 };

        var failed = Assert.IsType<StepOutcome.Failed>(await h.ApplyAsync(new DnsSwitchMxStep(dns), "switch-mx", CancellationToken.None));

        Assert.Contains("serves MX 10 mx.other.test., which is neither dns.mx.old", failed.Message, StringComparison.Ordinal);
        Assert.Equal(0, dns.Updates);
    }
}
