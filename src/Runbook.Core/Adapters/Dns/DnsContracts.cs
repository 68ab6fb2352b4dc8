using System.Globalization;
using System.Text.Json.Nodes;

namespace Runbook.Adapters.Dns;

/// <summary>A name server Runbook talks to: an authoritative server of the zone or a watched resolver.</summary>
internal sealed record DnsServer(string Name, string Host, int Port)
{
    public override string ToString() => $"{Name} ({Host}:{Port})";
}

/// <summary>The record types the DNS steps read and write.</summary>
internal enum DnsType { A, Aaaa, Mx, Txt, Soa, Cname }

/// <summary>A DNS response code, as far as the steps tell them apart.</summary>
internal enum DnsRcode { NoError, FormErr, ServFail, NxDomain, NotImp, Refused, NotAuth, Other }

/// <summary>
/// One resource record. <see cref="Data"/> is its presentation form (<c>10 mail.old.acme.test.</c>, <c>127.0.0.1</c>,
/// the TXT strings joined); names are lower case with the final dot.
/// </summary>
internal sealed record DnsRecord(string Owner, DnsType Type, int Ttl, string Data)
{
    public override string ToString() => $"{Owner} {Ttl} {Type.ToString().ToUpperInvariant()} {Data}";
}

/// <summary>What one server answered to one question, when; the unit the steps act on and record in the journal.</summary>
internal sealed record DnsAnswer(
    DnsServer Server, string Name, DnsType Type, bool Recursion, DnsRcode Rcode, bool Authoritative,
    IReadOnlyList<DnsRecord> Records, IReadOnlyList<DnsRecord> Authority, DateTimeOffset At)
{
    /// <summary>Records of the asked type (a CNAME chain's target records included).</summary>
    public IEnumerable<DnsRecord> Of(DnsType type) => Records.Where(r => r.Type == type);

    /// <summary>The journal's detail: server, question, answer, TTL, time. Holds nothing secret.</summary>
    public JsonObject ToJournal() => new()
    {
        ["server"] = new JsonObject { ["name"] = Server.Name, ["host"] = Server.Host, ["port"] = Server.Port },
        ["question"] = new JsonObject { ["name"] = Name, ["type"] = Type.ToString().ToUpperInvariant(), ["recursion"] = Recursion },
        ["rcode"] = Rcode.ToString().ToUpperInvariant(),
        ["authoritative"] = Authoritative,
        ["answer"] = new JsonArray([.. Records.Select(r => (JsonNode)new JsonObject
        {
            ["name"] = r.Owner, ["type"] = r.Type.ToString().ToUpperInvariant(), ["ttl"] = r.Ttl, ["data"] = r.Data,
        })]),
        ["time"] = At.ToString("O", CultureInfo.InvariantCulture),
    };
}

/// <summary>A TSIG key. The secret never leaves the adapter: <see cref="ToString"/> names the key only.</summary>
internal sealed class DnsKey(string name, string algorithm, byte[] secret)
{
    public string Name { get; } = name;
    public string Algorithm { get; } = algorithm;
    internal byte[] Secret { get; } = secret;

    public override string ToString() => $"TSIG key '{Name}' ({Algorithm})";
}

/// <summary>
/// One atomic RFC 2136 update: if the RRset <see cref="Owner"/>/<see cref="Type"/> is exactly <see cref="Expected"/>
/// (data compared, TTLs not), replace it by <see cref="Replacement"/>. The prerequisite makes a repeated change a no-op.
/// </summary>
internal sealed record DnsChange(string Zone, string Owner, DnsType Type, IReadOnlyList<DnsRecord> Expected, IReadOnlyList<DnsRecord> Replacement);

/// <summary>How an update ended when the server accepted the message: applied, or a prerequisite did not hold (nothing changed).</summary>
internal enum DnsUpdateResult { Applied, PrerequisiteFailed }

/// <summary>The DNS as the steps see it: plain queries with TTLs, and signed dynamic updates.</summary>
internal interface IDnsAdapter
{
    /// <summary>
    /// Asks <paramref name="server"/> one question, uncached (recursion off for authoritative servers). A truncated UDP
    /// answer is asked again over TCP. Throws <see cref="Errors.ServerUnreachableException"/> when nobody answers.
    /// </summary>
    Task<DnsAnswer> QueryAsync(DnsServer server, string name, DnsType type, bool recursion, CancellationToken cancellationToken);

    /// <summary>
    /// Sends the changes as one update signed with <paramref name="key"/>, in order, each with its prerequisite; all in
    /// one message, so either all apply or none. A refused signature throws <see cref="Errors.AuthenticationFailedException"/>.
    /// </summary>
    Task<DnsUpdateResult> UpdateAsync(DnsServer server, IReadOnlyList<DnsChange> changes, DnsKey key, CancellationToken cancellationToken);
}
