using System.Net;
using System.Security.Cryptography;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns.DynamicUpdate;
using DnsClient;
using Runbook.Lab;
using ArDns = ARSoft.Tools.Net.Dns;

namespace Runbook.Tests.Lab;

/// <summary>Queries (DnsClient, no cache) and RFC 2136 updates (ARSoft) against the lab's two BINDs.</summary>
internal sealed class LabDnsClient(LabDns dns, TimeProvider time)
{
    public async Task<ArDns.ReturnCode> SetMxAsync(string name, string exchange, int ttl, LabTsigKey? key, CancellationToken cancellationToken)
    {
        var owner = DomainName.Parse(name);
        var update = new DnsUpdateMessage { ZoneName = DomainName.Parse(dns.Zone) };
        update.Updates.Add(new DeleteAllRecordsUpdate(owner, ArDns.RecordType.Mx));
        update.Updates.Add(new AddRecordUpdate(new ArDns.MxRecord(owner, ttl, 10, DomainName.Parse(exchange))));
        if (key is not null)
        {
            update.TransactionID = (ushort)RandomNumberGenerator.GetInt32(1, ushort.MaxValue);
            update.TSigOptions = new ArDns.TSigRecord(DomainName.Parse(key.Name), ArDns.TSigAlgorithm.Sha256,
                time.GetUtcNow().UtcDateTime, TimeSpan.FromMinutes(5), update.TransactionID, ArDns.ReturnCode.NoError, null, key.SecretBytes());
        }
        var port = dns.Authoritative.Port;
        // A custom port needs explicit transports: the default ones always use 53.
        var client = new ArDns.DnsClient([IPAddress.Parse(dns.Authoritative.Host)],
            [new ArDns.UdpClientTransport(port), new ArDns.TcpClientTransport(port)], false, 5000);
        var response = await client.SendUpdateAsync(update, cancellationToken)
            ?? throw new InvalidOperationException("no answer to the DNS update");
        return response.ReturnCode;
    }

    /// <summary>MX answers of the authoritative server (no recursion) or of the caching resolver.</summary>
    public async Task<IReadOnlyList<(string Exchange, int Ttl)>> MxAsync(string name, bool viaResolver, CancellationToken cancellationToken)
    {
        var result = await QueryAsync(name, QueryType.MX, viaResolver, cancellationToken);
        return [.. result.Answers.MxRecords().Select(r => (r.Exchange.Value.TrimEnd('.'), r.TimeToLive))];
    }

    /// <summary>One uncached query (DnsClient's own cache would hide TTL behaviour).</summary>
    public Task<IDnsQueryResponse> QueryAsync(string name, QueryType type, bool viaResolver, CancellationToken cancellationToken)
    {
        var server = viaResolver ? dns.Resolver : dns.Authoritative;
        var client = new LookupClient(new LookupClientOptions(new NameServer(IPAddress.Parse(server.Host), server.Port))
        {
            UseCache = false,
            Recursion = viaResolver,
        });
        return client.QueryAsync(name, type, cancellationToken: cancellationToken);
    }
}
