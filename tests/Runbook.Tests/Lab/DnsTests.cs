using ARSoft.Tools.Net.Dns;
using DnsClient;
using QueryType = DnsClient.QueryType;

namespace Runbook.Tests.Lab;

[Collection("lab")]
public sealed class DnsTests(LabFixture fixture)
{
    private const string OldMx = "mail.old.acme.test";
    private const string NewMx = "mail.new.acme.test";

    private LabDnsClient Dns => new(fixture.Lab.Dns, TimeProvider.System);

    // Each test owns a name below the zone, so tests (and the demo) never fight over the apex MX.
    private static string UniqueName() => $"t-{Guid.NewGuid():N}.acme.test";

    [Fact]
    public async Task Given_lab_zone_When_querying_authoritative_server_Then_MX_hosts_and_SPF_answer_with_authority()
    {
        var token = LabClients.Timeout();

        var mx = await Dns.QueryAsync("acme.test", QueryType.MX, viaResolver: false, token);
        var oldHost = await Dns.QueryAsync(OldMx, QueryType.A, viaResolver: false, token);
        var newHost = await Dns.QueryAsync(NewMx, QueryType.A, viaResolver: false, token);
        var spf = await Dns.QueryAsync("acme.test", QueryType.TXT, viaResolver: false, token);

        Assert.True(mx.Header.HasAuthorityAnswer);
        // The demo and other tests may switch the apex MX or lower its TTL; a fresh `lab up` resets it to old, 60 s.
        Assert.Contains(Assert.Single(mx.Answers.MxRecords()).Exchange.Value.TrimEnd('.'), new[] { OldMx, NewMx });
        Assert.Equal("127.0.0.1", Assert.Single(oldHost.Answers.ARecords()).Address.ToString());
        Assert.Equal("127.0.0.1", Assert.Single(newHost.Answers.ARecords()).Address.ToString());
        Assert.Contains(spf.Answers.TxtRecords(), t => t.Text.Contains("v=spf1 mx -all"));
    }

    [Fact]
    public async Task Given_update_signed_with_lab_key_When_switching_MX_Then_authoritative_answers_new_MX()
    {
        var token = LabClients.Timeout();
        var name = UniqueName();
        Assert.Equal(ReturnCode.NoError, await Dns.SetMxAsync(name, OldMx, 60, fixture.Lab.Dns.Tsig, token));

        var rcode = await Dns.SetMxAsync(name, NewMx, 60, fixture.Lab.Dns.Tsig, token);

        Assert.Equal(ReturnCode.NoError, rcode);
        Assert.Equal(NewMx, Assert.Single(await Dns.MxAsync(name, viaResolver: false, token)).Exchange);
    }

    [Fact]
    public async Task Given_unsigned_update_When_switching_MX_Then_refused_and_nothing_changes()
    {
        var token = LabClients.Timeout();
        var name = UniqueName();

        var rcode = await Dns.SetMxAsync(name, NewMx, 60, key: null, token);

        Assert.Equal(ReturnCode.Refused, rcode);
        Assert.Empty(await Dns.MxAsync(name, viaResolver: false, token));
    }

    [Fact]
    public async Task Given_update_signed_with_wrong_key_When_switching_MX_Then_not_authorised()
    {
        var token = LabClients.Timeout();
        var wrong = fixture.Lab.Dns.Tsig with { Secret = Convert.ToBase64String(new byte[32]) };

        var rcode = await Dns.SetMxAsync(UniqueName(), NewMx, 60, wrong, token);

        Assert.Equal(ReturnCode.NotAuthoritive, rcode);
    }

    [Fact]
    public async Task Given_resolver_cached_old_MX_When_MX_switches_Then_resolver_serves_old_MX_until_its_ttl_runs_out()
    {
        const int Ttl = 8;
        var token = LabClients.Timeout();
        var name = UniqueName();
        await Dns.SetMxAsync(name, OldMx, Ttl, fixture.Lab.Dns.Tsig, token);
        Assert.Equal(OldMx, Assert.Single(await Dns.MxAsync(name, viaResolver: true, token)).Exchange);

        await Dns.SetMxAsync(name, NewMx, Ttl, fixture.Lab.Dns.Tsig, token);
        var authoritative = Assert.Single(await Dns.MxAsync(name, viaResolver: false, token));
        var cached = Assert.Single(await Dns.MxAsync(name, viaResolver: true, token));

        Assert.Equal(NewMx, authoritative.Exchange);
        Assert.Equal(OldMx, cached.Exchange);
        Assert.InRange(cached.Ttl, 0, Ttl);
        // Wait out the remaining TTL; the resolver must then ask again and see the switch.
        (string Exchange, int Ttl) later;
        do
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), token);
            later = Assert.Single(await Dns.MxAsync(name, viaResolver: true, token));
        }
        while (later.Exchange == OldMx);
        Assert.Equal(NewMx, later.Exchange);
    }
}
