using Runbook.Adapters.Dns;
using Runbook.Lab;
using Runbook.Plan.Model;

namespace Runbook.Tests.Steps.Dns.Lab;

/// <summary>
/// A mail domain of a test's own below the lab zone (<c>t-GUID.acme.test</c>), with its MX hosts and SPF, so tests
/// never touch the apex the demo uses. Set up through the adapter under test's update path, checked by queries.
/// </summary>
internal sealed class LabZone(LabDns lab)
{
    public string Domain { get; } = $"t-{Guid.NewGuid():N}.acme.test.";
    public string OldHost => $"mx-old.{Domain}";
    public string NewHost => $"mx-new.{Domain}";
    public DnsServer Authoritative => new("ns1", lab.Authoritative.Host, lab.Authoritative.Port);
    public DnsServer Resolver => new("isp", lab.Resolver.Host, lab.Resolver.Port);
    public DnsKey Key => new(lab.Tsig.Name, lab.Tsig.Algorithm, lab.Tsig.SecretBytes());
    public DnsAdapter Adapter { get; } = new(TimeProvider.System);

    /// <summary>MX 10 mx-old with <paramref name="mxTtl"/>, both hosts' A with <paramref name="hostTtl"/> (and <paramref name="extra"/>), SPF allowing 127.0.0.1.</summary>
    public async Task CreateAsync(int mxTtl, CancellationToken cancellationToken, string spf = "v=spf1 ip4:127.0.0.1 -all", int hostTtl = 60, params DnsRecord[] extra)
    {
        var changes = new List<DnsChange>
        {
            Set(Domain, DnsType.Mx, new DnsRecord(Domain, DnsType.Mx, mxTtl, $"10 {OldHost}")),
            Set(OldHost, DnsType.A, new DnsRecord(OldHost, DnsType.A, hostTtl, "127.0.0.1")),
            Set(NewHost, DnsType.A, new DnsRecord(NewHost, DnsType.A, hostTtl, "127.0.0.1")),
            Set(Domain, DnsType.Txt, new DnsRecord(Domain, DnsType.Txt, 60, spf)),
        };
        changes.AddRange(extra.GroupBy(r => (r.Owner, r.Type)).Select(g => Set(g.Key.Owner, g.Key.Type, [.. g])));
        Assert.Equal(DnsUpdateResult.Applied, await Adapter.UpdateAsync(Authoritative, changes, Key, cancellationToken));
    }

    /// <summary>Replaces the MX RRset as a person would in a control panel (no prerequisite on what was there).</summary>
    public async Task SetMxAsync(string host, int ttl, CancellationToken cancellationToken)
    {
        var current = await Adapter.QueryAsync(Authoritative, Domain, DnsType.Mx, recursion: false, cancellationToken);
        var change = new DnsChange("acme.test.", Domain, DnsType.Mx, [.. current.Of(DnsType.Mx)], [new DnsRecord(Domain, DnsType.Mx, ttl, $"10 {host}")]);
        Assert.Equal(DnsUpdateResult.Applied, await Adapter.UpdateAsync(Authoritative, [change], Key, cancellationToken));
    }

    public async Task<(string Data, int Ttl)> MxAsync(bool viaResolver, CancellationToken cancellationToken)
    {
        var answer = await Adapter.QueryAsync(viaResolver ? Resolver : Authoritative, Domain, DnsType.Mx, viaResolver, cancellationToken);
        var mx = Assert.Single(answer.Of(DnsType.Mx));
        return (mx.Data, mx.Ttl);
    }

    public DnsSettings Settings(int loweredTtl, DnsProviderKind provider = DnsProviderKind.Rfc2136) => new()
    {
        Zone = Domain.TrimEnd('.'),
        Authoritative = [new DnsServerAddress(lab.Authoritative.Host, lab.Authoritative.Port, "ns1")],
        Resolvers = [new DnsServerAddress(lab.Resolver.Host, lab.Resolver.Port, "isp")],
        Provider = provider,
        Key = new TsigKey { Name = lab.Tsig.Name, Algorithm = lab.Tsig.Algorithm, Secret = new SecretReference { Env = "LAB_TSIG" } },
        OldMx = [new MxRecord(10, OldHost.TrimEnd('.'))],
        NewMx = [new MxRecord(10, NewHost.TrimEnd('.'))],
        LoweredTtl = loweredTtl,
    };

    private static DnsChange Set(string owner, DnsType type, params DnsRecord[] records) => new("acme.test.", owner, type, [], records);
}
