using Runbook.Adapters.Dns;

namespace Runbook.TestHost;

/// <summary>The real DNS adapter with kill points just before an update is sent and just after the server confirmed it.</summary>
internal sealed class KillingDnsAdapter(IDnsAdapter inner, KillPoints points) : IDnsAdapter
{
    public Task<DnsAnswer> QueryAsync(DnsServer server, string name, DnsType type, bool recursion, CancellationToken cancellationToken) =>
        inner.QueryAsync(server, name, type, recursion, cancellationToken);

    public async Task<DnsUpdateResult> UpdateAsync(DnsServer server, IReadOnlyList<DnsChange> changes, DnsKey key, CancellationToken cancellationToken)
    {
        points.Reach($"before DNS update of {string.Join(", ", changes.Select(c => $"{c.Owner} {c.Type}"))}", cancellationToken);
        var result = await inner.UpdateAsync(server, changes, key, cancellationToken);
        points.Reach($"after DNS update ({result})", cancellationToken);
        return result;
    }
}
