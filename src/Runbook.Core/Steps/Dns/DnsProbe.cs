using Runbook.Adapters.Dns;
using Runbook.Engine;
using Runbook.Errors;

namespace Runbook.Steps.Dns;

/// <summary>The MX RRset one server serves: the set, its TTL (the largest of its records), and the answer it came from.</summary>
internal sealed record ServedMx(DnsServer Server, MxSet Mx, int Ttl, DnsAnswer Answer);

/// <summary>The zone that holds the mail domain, found from the SOA (the domain may sit below the apex).</summary>
internal sealed record ZoneInfo(string Apex, long Serial);

/// <summary>
/// Asks the DNS for the steps and journals every answer they act on (server, question, answer, TTL, time). In a dry
/// run nothing is journaled: the state is read-only there.
/// </summary>
internal sealed class DnsProbe(IDnsAdapter dns, StepContext context)
{
    public async Task<DnsAnswer> AskAsync(DnsServer server, string name, DnsType type, bool recursion, CancellationToken cancellationToken, bool record = true)
    {
        // Stamped with the step's clock: waits are computed from these times (the adapter keeps the real clock for TSIG).
        var answer = await dns.QueryAsync(server, name, type, recursion, cancellationToken) with { At = context.Time.GetUtcNow() };
        if (record && !context.DryRun)
        {
            var data = answer.Records.Count == 0 ? answer.Rcode.ToString().ToUpperInvariant() : string.Join("; ", answer.Records.Select(r => $"{r.Data} TTL {r.Ttl}"));
            await context.State.RecordAsync($"dns answer from {server.Name}: {answer.Name} {type.ToString().ToUpperInvariant()} → {data}", answer.ToJournal(), cancellationToken);
        }

        return answer;
    }

    /// <summary>The zone apex and serial as <paramref name="server"/> serves them; a clear failure when it does not serve the domain.</summary>
    public async Task<ZoneInfo> ZoneAsync(DnsServer server, string domain, CancellationToken cancellationToken)
    {
        var answer = await AskAsync(server, domain, DnsType.Soa, recursion: false, cancellationToken);
        Expect(answer, "the zone's SOA");
        var soa = answer.Of(DnsType.Soa).Concat(answer.Authority.Where(r => r.Type == DnsType.Soa)).FirstOrDefault();
        if (!answer.Authoritative || soa is null)
        {
            throw new StepFailedException(
                $"{server} is not authoritative for {domain} (no authoritative SOA in its answer): check dns.zone and dns.authoritative", retryable: false);
        }

        return new ZoneInfo(soa.Owner, long.Parse(soa.Data.Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The MX RRset of <paramref name="domain"/> on <paramref name="server"/> (recursion off for authoritative servers).</summary>
    public async Task<ServedMx> MxAsync(DnsServer server, string domain, bool recursion, CancellationToken cancellationToken, bool record = true)
    {
        var answer = await AskAsync(server, domain, DnsType.Mx, recursion, cancellationToken, record);
        Expect(answer, "the MX");
        var records = answer.Of(DnsType.Mx).ToList();
        return new ServedMx(server, MxSet.From(records), records.Count == 0 ? 0 : records.Max(r => r.Ttl), answer);
    }

    /// <summary>Turns the answers no step can act on into failures that say what is wrong and that nothing changed.</summary>
    public static void Expect(DnsAnswer answer, string what)
    {
        var where = $"{answer.Server} for {what} of {answer.Name}";
        switch (answer.Rcode)
        {
            case DnsRcode.NoError:
                return;
            case DnsRcode.NxDomain:
                throw new StepFailedException($"NXDOMAIN from {where}: the name does not exist (check dns.zone); nothing changed", retryable: false);
            case DnsRcode.ServFail:
                throw new StepFailedException($"SERVFAIL from {where}: the server cannot answer now (a broken zone or an upstream failure); nothing changed", retryable: true);
            case DnsRcode.Refused:
                throw new StepFailedException($"REFUSED by {where}: the server does not serve this zone to us (not authoritative for it, or the query is not allowed); nothing changed", retryable: false);
            default:
                throw new StepFailedException($"{answer.Rcode.ToString().ToUpperInvariant()} from {where}; nothing changed", retryable: false);
        }
    }
}
