using System.Net;
using System.Net.Sockets;
using DnsClient;
using DnsClient.Protocol;
using Runbook.Errors;

namespace Runbook.Adapters.Dns;

/// <summary>
/// Queries with DnsClient, updates with ARSoft.Tools.Net (<see cref="DnsAdapter"/>.Update.cs): DnsClient only queries.
/// Every query goes to exactly one named server with DnsClient's cache off, so the TTLs are the server's own.
/// </summary>
internal sealed partial class DnsAdapter(TimeProvider time, DnsAdapterOptions? options = null) : IDnsAdapter
{
    private readonly DnsAdapterOptions _options = options ?? new DnsAdapterOptions();

    public async Task<DnsAnswer> QueryAsync(DnsServer server, string name, DnsType type, bool recursion, CancellationToken cancellationToken)
    {
        var address = await AddressOfAsync(server, cancellationToken);
        var client = new LookupClient(new LookupClientOptions(new NameServer(address, server.Port))
        {
            UseCache = false,
            Recursion = recursion,
            Timeout = _options.Timeout,
            Retries = _options.Retries,
            // A truncated UDP answer (a large TXT set) is asked again over TCP instead of being used half.
            UseTcpFallback = true,
            ThrowDnsErrors = false,
            ContinueOnDnsError = false,
            ContinueOnEmptyResponse = false,
        });
        IDnsQueryResponse response;
        try
        {
            response = await client.QueryAsync(Fqdn(name), ToQueryType(type), QueryClass.IN, cancellationToken);
        }
        catch (DnsResponseException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ServerUnreachableException(
                $"DNS server {server} did not answer {Fqdn(name)} {Upper(type)} ({e.Code}, {_options.Retries + 1} tries of {_options.Timeout.TotalSeconds:0.#} s)", e);
        }
        catch (SocketException e)
        {
            throw new ServerUnreachableException($"DNS server {server} is unreachable: {e.Message}", e);
        }

        return new DnsAnswer(server, Fqdn(name), type, recursion, ToRcode(response.Header.ResponseCode), response.Header.HasAuthorityAnswer,
            [.. response.Answers.Select(ToRecord).OfType<DnsRecord>()], [.. response.Authorities.Select(ToRecord).OfType<DnsRecord>()], time.GetUtcNow());
    }

    /// <summary>A name with its final dot, lower case: the form every comparison uses.</summary>
    public static string Fqdn(string name) => name.TrimEnd('.').ToLowerInvariant() + ".";

    private static string Upper(DnsType type) => type.ToString().ToUpperInvariant();

    private static async Task<IPAddress> AddressOfAsync(DnsServer server, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(server.Host, out var ip))
        {
            return ip;
        }

        try
        {
            var addresses = await System.Net.Dns.GetHostAddressesAsync(server.Host, cancellationToken);
            return addresses.FirstOrDefault() ?? throw new ServerUnreachableException($"DNS server {server}: its host name has no address");
        }
        catch (SocketException e)
        {
            throw new ServerUnreachableException($"DNS server {server}: cannot resolve its host name ({e.Message})", e);
        }
    }

    private static QueryType ToQueryType(DnsType type) => type switch
    {
        DnsType.A => QueryType.A,
        DnsType.Aaaa => QueryType.AAAA,
        DnsType.Mx => QueryType.MX,
        DnsType.Txt => QueryType.TXT,
        DnsType.Soa => QueryType.SOA,
        _ => QueryType.CNAME,
    };

    private static DnsRcode ToRcode(DnsHeaderResponseCode code) => code switch
    {
        DnsHeaderResponseCode.NoError => DnsRcode.NoError,
        DnsHeaderResponseCode.FormatError => DnsRcode.FormErr,
        DnsHeaderResponseCode.ServerFailure => DnsRcode.ServFail,
        DnsHeaderResponseCode.NotExistentDomain => DnsRcode.NxDomain,
        DnsHeaderResponseCode.NotImplemented => DnsRcode.NotImp,
        DnsHeaderResponseCode.Refused => DnsRcode.Refused,
        DnsHeaderResponseCode.NotAuthorized => DnsRcode.NotAuth,
        _ => DnsRcode.Other,
    };

    private static DnsRecord? ToRecord(DnsResourceRecord record)
    {
        var owner = Fqdn(record.DomainName.Value);
        var ttl = record.TimeToLive;
        return record switch
        {
            MxRecord mx => new DnsRecord(owner, DnsType.Mx, ttl, $"{mx.Preference} {Fqdn(mx.Exchange.Value)}"),
            ARecord a => new DnsRecord(owner, DnsType.A, ttl, a.Address.ToString()),
            AaaaRecord aaaa => new DnsRecord(owner, DnsType.Aaaa, ttl, aaaa.Address.ToString()),
            TxtRecord txt => new DnsRecord(owner, DnsType.Txt, ttl, string.Concat(txt.Text)),
            CNameRecord cname => new DnsRecord(owner, DnsType.Cname, ttl, Fqdn(cname.CanonicalName.Value)),
            SoaRecord soa => new DnsRecord(owner, DnsType.Soa, ttl,
                $"{Fqdn(soa.MName.Value)} {Fqdn(soa.RName.Value)} {soa.Serial} {soa.Refresh} {soa.Retry} {soa.Expire} {soa.Minimum}"),
            _ => null,
        };
    }
}

/// <summary>Explicit timeouts and retries: a dead server costs (Retries + 1) × Timeout, never an unbounded wait.</summary>
internal sealed record DnsAdapterOptions
{
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(3);
    public int Retries { get; init; } = 2;
}
