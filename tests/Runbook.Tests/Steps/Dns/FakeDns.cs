using Runbook.Adapters.Dns;

namespace Runbook.Tests.Steps.Dns;

/// <summary>A scripted DNS: answers from a table (name, type, server) → records or an rcode; counts updates.</summary>
internal sealed class FakeDns : IDnsAdapter
{
    public Dictionary<(string Name, DnsType Type), (DnsRcode Rcode, DnsRecord[] Records)> Answers { get; } = [];
    public Dictionary<string, Dictionary<(string, DnsType), DnsRecord[]>> PerServer { get; } = [];
    public int Updates { get; private set; }

    public Task<DnsAnswer> QueryAsync(DnsServer server, string name, DnsType type, bool recursion, CancellationToken cancellationToken)
    {
        var key = (DnsAdapter.Fqdn(name), type);
        var (rcode, records) = PerServer.TryGetValue(server.Name, out var own) && own.TryGetValue(key, out var r) ? (DnsRcode.NoError, r)
            : Answers.TryGetValue(key, out var a) ? a : (DnsRcode.NoError, []);
        var soa = new DnsRecord("acme.test.", DnsType.Soa, 60, "ns.acme.test. hostmaster.acme.test. 7 60 30 600 5");
        return Task.FromResult(new DnsAnswer(server, key.Item1, type, recursion, rcode, !recursion, records, type == DnsType.Soa && records.Length == 0 ? [soa] : [], DateTimeOffset.UnixEpoch));
    }

    public Task<DnsUpdateResult> UpdateAsync(DnsServer server, IReadOnlyList<DnsChange> changes, DnsKey key, CancellationToken cancellationToken)
    {
        Updates++;
        return Task.FromResult(DnsUpdateResult.Applied);
    }

    public static DnsRecord Mx(string host, int ttl, string owner = "acme.test.") => new(owner, DnsType.Mx, ttl, $"10 {host}");
}
