using Runbook.Adapters.Dns;
using Runbook.Steps.Dns;

namespace Runbook.Steps.DnsLowerTtl;

/// <summary>
/// What lowering means here: the MX RRset and the A/AAAA of MX hosts inside the zone, each with its targets unchanged
/// and its TTL set to the lowered value; RRsets already at or below it are left alone.
/// </summary>
internal sealed record LoweringPlan(ZoneInfo Zone, ServedMx Mx, IReadOnlyList<DnsAnswer> HostAnswers, int Target)
{
    public static async Task<LoweringPlan> ReadAsync(DnsProbe probe, DnsTargets targets, int target, CancellationToken cancellationToken, bool record = true)
    {
        var zone = await probe.ZoneAsync(targets.Primary, targets.Domain, cancellationToken);
        var mx = await probe.MxAsync(targets.Primary, targets.Domain, recursion: false, cancellationToken, record);
        var hosts = new List<DnsAnswer>();
        foreach (var host in mx.Mx.Hosts.Where(h => InZone(h, zone.Apex)))
        {
            foreach (var type in (DnsType[])[DnsType.A, DnsType.Aaaa])
            {
                hosts.Add(await probe.AskAsync(targets.Primary, host, type, recursion: false, cancellationToken, record));
            }
        }

        return new LoweringPlan(zone, mx, hosts, target);
    }

    public static bool InZone(string host, string apex) => host == apex || host.EndsWith("." + apex, StringComparison.Ordinal);

    /// <summary>Every RRset whose TTL is above the target, as (owner, type, records).</summary>
    public IReadOnlyList<(string Owner, DnsType Type, IReadOnlyList<DnsRecord> Records)> TooHigh()
    {
        var sets = new List<(string, DnsType, IReadOnlyList<DnsRecord>)>();
        var mx = Mx.Answer.Of(DnsType.Mx).ToList();
        if (mx.Count > 0 && Mx.Ttl > Target) sets.Add((mx[0].Owner, DnsType.Mx, mx));
        foreach (var answer in HostAnswers)
        {
            // Only the host's own records: a CNAME chain is not ours to change (and dns.check warns about it).
            var own = answer.Of(answer.Type).Where(r => r.Owner == answer.Name).ToList();
            if (own.Count > 0 && own.Max(r => r.Ttl) > Target) sets.Add((answer.Name, answer.Type, own));
        }

        return sets;
    }

    public IReadOnlyList<DnsChange> Changes() =>
        [.. TooHigh().Select(s => new DnsChange(Zone.Apex, s.Owner, s.Type, s.Records, [.. s.Records.Select(r => r with { Ttl = Target })]))];

    /// <summary>Each change as the diff people read: <c>MX 10 mx.old.test. TTL 3600 → TTL 300</c>.</summary>
    public IReadOnlyList<string> Describe() =>
        [.. TooHigh().Select(s => $"{s.Owner} {string.Join(", ", s.Records.Select(r => $"{s.Type.ToString().ToUpperInvariant()} {r.Data}"))} TTL {s.Records.Max(r => r.Ttl)} → TTL {Target}")];
}
