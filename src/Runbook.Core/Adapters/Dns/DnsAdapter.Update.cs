using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns.DynamicUpdate;
using Runbook.Errors;
using Ar = ARSoft.Tools.Net.Dns;

namespace Runbook.Adapters.Dns;

internal sealed partial class DnsAdapter
{
    // RFC 2845's usual fudge: a signature is valid five minutes either side of its time, so a skewed clock gives BADTIME.
    private static readonly TimeSpan Fudge = TimeSpan.FromMinutes(5);

    public async Task<DnsUpdateResult> UpdateAsync(DnsServer server, IReadOnlyList<DnsChange> changes, DnsKey key, CancellationToken cancellationToken)
    {
        if (changes.Count == 0)
        {
            return DnsUpdateResult.Applied;
        }

        var zone = changes[0].Zone;
        var update = new DnsUpdateMessage { ZoneName = DomainName.Parse(zone) };
        foreach (var change in changes)
        {
            var owner = DomainName.Parse(change.Owner);
            // "This RRset exists with exactly these values" (RFC 2136 §2.4.2), so a second run of the same change fails
            // its prerequisite instead of applying twice; an empty expectation means "no such RRset yet".
            if (change.Expected.Count == 0)
            {
                update.Prequisites.Add(new RecordNotExistsPrequisite(owner, ToArType(change.Type)));
            }

            foreach (var expected in change.Expected)
            {
                update.Prequisites.Add(new RecordExistsValueDependantPrequisite(ToArRecord(expected)));
            }

            update.Updates.Add(new DeleteAllRecordsUpdate(owner, ToArType(change.Type)));
            foreach (var record in change.Replacement)
            {
                update.Updates.Add(new AddRecordUpdate(ToArRecord(record)));
            }
        }

        update.TransactionID = (ushort)RandomNumberGenerator.GetInt32(1, ushort.MaxValue);
        update.TSigOptions = new Ar.TSigRecord(DomainName.Parse(key.Name), ToAlgorithm(key.Algorithm), time.GetUtcNow().UtcDateTime, Fudge,
            update.TransactionID, Ar.ReturnCode.NoError, null, key.Secret);

        var address = await AddressOfAsync(server, cancellationToken);
        // A port other than 53 needs explicit transports: ARSoft's defaults always use 53.
        var client = new Ar.DnsClient([address], [new Ar.UdpClientTransport(server.Port), new Ar.TcpClientTransport(server.Port)], false,
            (int)_options.Timeout.TotalMilliseconds);
        Ar.DnsMessageBase? response;
        try
        {
            response = await client.SendUpdateAsync(update, cancellationToken);
        }
        catch (SocketException e)
        {
            throw new ServerUnreachableException($"DNS server {server} is unreachable for the update: {e.Message}", e);
        }

        if (response is null)
        {
            throw new ServerUnreachableException($"DNS server {server} did not answer the update of zone {zone} (within {_options.Timeout.TotalSeconds:0.#} s)");
        }

        return Outcome(server, zone, key, response);
    }

    /// <summary>Says which of the refusals it is; the key is named, its secret never.</summary>
    private static DnsUpdateResult Outcome(DnsServer server, string zone, DnsKey key, Ar.DnsMessageBase response)
    {
        var tsigError = response.TSigOptions?.Error ?? Ar.ReturnCode.NoError;
        var code = response.ReturnCode;
        return (code, tsigError) switch
        {
            (Ar.ReturnCode.NoError, _) => DnsUpdateResult.Applied,
            (Ar.ReturnCode.NXRRSet or Ar.ReturnCode.YXRRSet or Ar.ReturnCode.NxDomain or Ar.ReturnCode.YXDomain, _) => DnsUpdateResult.PrerequisiteFailed,
            (_, Ar.ReturnCode.BadTime) => throw new AuthenticationFailedException(
                $"DNS server {server} rejected the update's signature time (BADTIME): this machine's clock is more than {Fudge.TotalMinutes:0} minutes off the server's; nothing changed"),
            (_, Ar.ReturnCode.BadKey or Ar.ReturnCode.BadSig) => throw new AuthenticationFailedException(
                $"DNS server {server} rejected the update signed with {key} ({tsigError.ToString().ToUpperInvariant()}): wrong key name or secret; nothing changed"),
            (Ar.ReturnCode.NotAuthoritive, _) => throw new AuthenticationFailedException(
                $"DNS server {server} answered NOTAUTH to the update of zone {zone} signed with {key}: the key is wrong, or the server is not authoritative for {zone}; nothing changed"),
            (Ar.ReturnCode.Refused, _) => throw new AuthenticationFailedException(
                $"DNS server {server} REFUSED the update of zone {zone} signed with {key}: the key may not update this zone (allow-update / update-policy), or the server's own checks rejected the records (e.g. an in-zone MX host without an address); nothing changed"),
            (Ar.ReturnCode.NotZone, _) => throw new StepFailedException(
                $"DNS server {server}: a name in the update is outside zone {zone} (NOTZONE); nothing changed", retryable: false),
            _ => throw new StepFailedException(
                $"DNS server {server} answered {code.ToString().ToUpperInvariant()} to the update of zone {zone}; nothing changed", retryable: code == Ar.ReturnCode.ServerFailure),
        };
    }

    private static Ar.TSigAlgorithm ToAlgorithm(string algorithm) => algorithm.ToLowerInvariant() switch
    {
        "hmac-sha512" => Ar.TSigAlgorithm.Sha512,
        "hmac-sha1" => Ar.TSigAlgorithm.Sha1,
        "hmac-md5" => Ar.TSigAlgorithm.Md5,
        _ => Ar.TSigAlgorithm.Sha256,
    };

    private static Ar.RecordType ToArType(DnsType type) => type switch
    {
        DnsType.A => Ar.RecordType.A,
        DnsType.Aaaa => Ar.RecordType.Aaaa,
        DnsType.Mx => Ar.RecordType.Mx,
        DnsType.Txt => Ar.RecordType.Txt,
        DnsType.Cname => Ar.RecordType.CName,
        _ => Ar.RecordType.Soa,
    };

    private static Ar.DnsRecordBase ToArRecord(DnsRecord record)
    {
        var owner = DomainName.Parse(record.Owner);
        switch (record.Type)
        {
            case DnsType.Mx:
                var parts = record.Data.Split(' ', 2);
                return new Ar.MxRecord(owner, record.Ttl, ushort.Parse(parts[0], CultureInfo.InvariantCulture), DomainName.Parse(parts[1]));
            case DnsType.A:
                return new Ar.ARecord(owner, record.Ttl, IPAddress.Parse(record.Data));
            case DnsType.Aaaa:
                return new Ar.AaaaRecord(owner, record.Ttl, IPAddress.Parse(record.Data));
            case DnsType.Txt:
                return new Ar.TxtRecord(owner, record.Ttl, record.Data);
            case DnsType.Cname:
                return new Ar.CNameRecord(owner, record.Ttl, DomainName.Parse(record.Data));
            default:
                throw new ArgumentException($"Runbook does not update {record.Type} records", nameof(record));
        }
    }
}
