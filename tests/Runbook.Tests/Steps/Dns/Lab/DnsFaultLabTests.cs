using Runbook.Adapters.Dns;
using Runbook.Engine;
using Runbook.Errors;
using Runbook.Plan.Model;
using Runbook.Steps.DnsCheck;
using Runbook.Steps.DnsLowerTtl;
using Runbook.Steps.DnsSwitchMx;
using Runbook.Tests.Lab;

namespace Runbook.Tests.Steps.Dns.Lab;

/// <summary>Bad input and faults against the real servers: each a clear message, and nothing changed.</summary>
[Collection("lab")]
public sealed class DnsFaultLabTests(LabFixture fixture)
{
    [Fact]
    public async Task Given_a_wrong_TSIG_key_When_lowering_Then_authentication_fails_naming_the_key_not_the_secret_and_nothing_changes()
    {
        var token = LabClients.Timeout();
        var zone = new LabZone(fixture.Lab.Dns);
        await zone.CreateAsync(8, token);
        var wrong = Convert.ToBase64String(new byte[32]);
        var h = new DnsStepHarness(zone.Settings(3), wrong);

        var e = await Assert.ThrowsAsync<AuthenticationFailedException>(() => h.ApplyAsync(new DnsLowerTtlStep(zone.Adapter), "lower-ttl", token));

        Assert.Equal(ExitCode.AuthenticationFailed, e.ExitCode);
        Assert.Contains($"TSIG key '{fixture.Lab.Dns.Tsig.Name}'", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Lab.Dns.Tsig.Secret, string.Join("\n", h.State.Journal.Select(j => j.Message + j.Detail?.ToJsonString())), StringComparison.Ordinal);
        Assert.Equal(($"10 {zone.OldHost}", 8), await zone.MxAsync(viaResolver: false, token));
    }

    [Fact]
    public async Task Given_a_zone_the_server_cannot_load_When_lowering_Then_SERVFAIL_fails_the_step_retryably_and_nothing_is_sent()
    {
        var token = LabClients.Timeout();
        var zone = new LabZone(fixture.Lab.Dns);
        // broken.test is configured on the lab's BIND with a zone file it refuses to load: it answers SERVFAIL.
        var h = new DnsStepHarness(zone.Settings(3) with { Zone = "broken.test" }, fixture.Lab.Dns.Tsig.Secret);

        var e = await Assert.ThrowsAsync<StepFailedException>(() => h.ApplyAsync(new DnsLowerTtlStep(zone.Adapter), "lower-ttl", token));

        Assert.True(e.Retryable);
        Assert.StartsWith("SERVFAIL from ns1", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(h.State.Journal, j => j.Message.StartsWith("lowered", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Given_an_unreachable_server_When_checking_Then_it_is_exit_69_within_the_explicit_timeout()
    {
        var token = LabClients.Timeout();
        var closed = new LabZone(fixture.Lab.Dns).Settings(300) with { Authoritative = [new DnsServerAddress("127.0.0.1", FreePort(), "dead")] };
        var h = new DnsStepHarness(closed, "unused");
        var adapter = new DnsAdapter(TimeProvider.System, new DnsAdapterOptions { Timeout = TimeSpan.FromMilliseconds(300), Retries = 1 });
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<ServerUnreachableException>(() => h.ApplyAsync(new DnsCheckStep(adapter), "check", token));

        Assert.Equal(ExitCode.Unreachable, e.ExitCode);
        Assert.Contains("dead (127.0.0.1:", e.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Given_a_domain_that_does_not_exist_When_lowering_Then_NXDOMAIN_fails_the_step_and_nothing_is_sent()
    {
        var token = LabClients.Timeout();
        var zone = new LabZone(fixture.Lab.Dns); // never created
        var h = new DnsStepHarness(zone.Settings(3), fixture.Lab.Dns.Tsig.Secret);

        var e = await Assert.ThrowsAsync<StepFailedException>(() => h.ApplyAsync(new DnsLowerTtlStep(zone.Adapter), "lower-ttl", token));

        Assert.StartsWith("NXDOMAIN from ns1", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(h.State.Journal, j => j.Message.StartsWith("lowered", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Given_a_zone_the_server_is_not_authoritative_for_When_switching_Then_REFUSED_fails_the_step_clearly()
    {
        var token = LabClients.Timeout();
        var settings = new LabZone(fixture.Lab.Dns).Settings(3) with { Zone = "example.org" };
        var h = new DnsStepHarness(settings, fixture.Lab.Dns.Tsig.Secret);

        var e = await Assert.ThrowsAsync<StepFailedException>(() => h.ApplyAsync(new DnsSwitchMxStep(new DnsAdapter(TimeProvider.System)), "switch-mx", token));

        Assert.Contains("REFUSED by ns1", e.Message, StringComparison.Ordinal);
        Assert.Contains("not authoritative", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_TXT_set_too_large_for_UDP_When_queried_Then_the_answer_is_complete_over_TCP()
    {
        var token = LabClients.Timeout();
        var zone = new LabZone(fixture.Lab.Dns);
        var name = $"big.{zone.Domain}";
        var records = Enumerable.Range(0, 40).Select(i => new DnsRecord(name, DnsType.Txt, 60, $"{i:D2}-{new string('x', 100)}")).ToArray();
        await zone.CreateAsync(60, token, extra: records);

        var answer = await zone.Adapter.QueryAsync(zone.Authoritative, name, DnsType.Txt, recursion: false, token);

        Assert.Equal(40, answer.Of(DnsType.Txt).Count());
    }

    [Fact]
    public async Task Given_MX_hosts_with_a_CNAME_mixed_families_and_SPF_without_the_new_server_When_checked_Then_each_is_a_warning()
    {
        var token = LabClients.Timeout();
        var zone = new LabZone(fixture.Lab.Dns);
        var v6 = $"mx6.{zone.Domain}";
        var alias = $"alias.{zone.Domain}";
        await zone.CreateAsync(8, token, "v=spf1 ip4:192.0.2.1 -all", extra:
            [new DnsRecord(v6, DnsType.Aaaa, 60, "::1"), new DnsRecord(alias, DnsType.Cname, 60, zone.OldHost)]);
        var settings = zone.Settings(300) with
        {
            OldMx = [new MxRecord(10, zone.OldHost.TrimEnd('.'))],
            NewMx = [new MxRecord(10, zone.NewHost.TrimEnd('.')), new MxRecord(20, v6.TrimEnd('.')), new MxRecord(30, alias.TrimEnd('.')), new MxRecord(40, $"nowhere.{zone.Domain}".TrimEnd('.'))],
        };
        var h = new DnsStepHarness(settings, "unused");

        var done = Assert.IsType<StepOutcome.Done>(await h.ApplyAsync(new DnsCheckStep(zone.Adapter), "check", token));
        var warnings = done.Outputs["warnings"]!.AsArray().Select(w => w!.GetValue<string>()).ToList();

        Assert.Contains(warnings, w => w.StartsWith($"MX host {alias} is a CNAME", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.StartsWith($"MX host {v6} has only IPv6 addresses", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.StartsWith("the new MX hosts mix address families", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.StartsWith($"dns.mx.new host nowhere.{zone.Domain} does not resolve", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("does not allow the new server's address 127.0.0.1", StringComparison.Ordinal));
        Assert.DoesNotContain(warnings, w => w.StartsWith("MX TTL", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Given_the_plan_describes_another_MX_When_checked_Then_it_warns_that_dns_mx_old_does_not_match()
    {
        var token = LabClients.Timeout();
        var zone = new LabZone(fixture.Lab.Dns);
        await zone.CreateAsync(8, token, "v=spf1 mx -all");
        var h = new DnsStepHarness(zone.Settings(3) with { OldMx = [new MxRecord(10, "mx.elsewhere.test")] }, "unused");

        var done = Assert.IsType<StepOutcome.Done>(await h.ApplyAsync(new DnsCheckStep(zone.Adapter), "check", token));

        var warnings = done.Outputs["warnings"]!.AsArray().Select(w => w!.GetValue<string>()).ToList();
        Assert.Contains(warnings, w => w.StartsWith("dns.mx.old (MX 10 mx.elsewhere.test.) does not match what ns1 serves", StringComparison.Ordinal));
        Assert.DoesNotContain(warnings, w => w.Contains("SPF", StringComparison.Ordinal));
    }

    private static int FreePort()
    {
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        socket.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        return ((System.Net.IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
