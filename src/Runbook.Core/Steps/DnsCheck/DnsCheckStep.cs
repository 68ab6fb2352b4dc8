using System.Net;
using System.Text.Json.Nodes;
using Runbook.Adapters.Dns;
using Runbook.Engine;
using Runbook.Steps.Dns;

namespace Runbook.Steps.DnsCheck;

/// <summary>
/// <c>dns.check</c>: reads the MX, the MX hosts' addresses, the SOA and SPF from every authoritative server and
/// every watched resolver, changes nothing, and warns about what would lose mail on the night of the move.
/// Warnings do not fail the step: the consultant decides.
/// </summary>
internal sealed class DnsCheckStep(IDnsAdapter dns) : IStepKind
{
    public string Name => "dns.check";

    public IReadOnlyList<string> PlanSections => ["dns"];

    public async Task<StepPreview> PreviewAsync(StepContext context, CancellationToken cancellationToken)
    {
        var report = await new DnsInspection(dns, context).RunAsync(cancellationToken);
        return StepPreview.Changes($"check DNS of {report.Domain} on {report.Servers} servers: {report.Summary}", [.. report.Lines, .. report.Warnings.Select(w => "warning: " + w)]);
    }

    public async Task<StepOutcome> ApplyAsync(StepContext context, CancellationToken cancellationToken)
    {
        var report = await new DnsInspection(dns, context).RunAsync(cancellationToken);
        foreach (var line in report.Lines) context.Log.Info(line);
        foreach (var warning in report.Warnings) context.Log.Warning(warning);
        return StepOutcome.Succeeded(new JsonObject
        {
            ["summary"] = $"{report.Domain}: {report.Summary}",
            ["mx_ttl"] = report.MxTtl,
            ["warnings"] = new JsonArray([.. report.Warnings.Select(w => (JsonNode)w)]),
            ["served"] = new JsonArray([.. report.Lines.Select(l => (JsonNode)l)]),
        });
    }
}

/// <summary>The findings of one check: what each server serves, and the warnings.</summary>
internal sealed record DnsCheckReport(string Domain, int Servers, int MxTtl, IReadOnlyList<string> Lines, IReadOnlyList<string> Warnings)
{
    public string Summary => Warnings.Count == 0 ? $"MX TTL {MxTtl} s, no warnings" : $"MX TTL {MxTtl} s, {Warnings.Count} warning(s)";
}

/// <summary>The queries and rules behind <c>dns.check</c>.</summary>
internal sealed class DnsInspection(IDnsAdapter dns, StepContext context)
{
    private readonly DnsTargets _targets = DnsTargets.From(context);
    private readonly DnsProbe _probe = new(dns, context);
    private readonly List<string> _lines = [];
    private readonly List<string> _warnings = [];
    private string _apex = "";

    public async Task<DnsCheckReport> RunAsync(CancellationToken cancellationToken)
    {
        var t = _targets;
        var zones = new List<(DnsServer Server, ZoneInfo Zone)>();
        var served = new List<ServedMx>();
        foreach (var server in t.Authoritative)
        {
            var zone = await _probe.ZoneAsync(server, t.Domain, cancellationToken);
            zones.Add((server, zone));
            served.Add(await _probe.MxAsync(server, t.Domain, recursion: false, cancellationToken));
            _lines.Add($"{server.Name}: zone {zone.Apex} serial {zone.Serial}, {served[^1].Mx.WithTtl(served[^1].Ttl)}");
        }

        _apex = zones[0].Zone.Apex;
        if (zones.Select(z => z.Zone.Serial).Distinct().Count() > 1)
            _warnings.Add($"authoritative servers disagree on the SOA serial ({string.Join(", ", zones.Select(z => $"{z.Server.Name} {z.Zone.Serial}"))}): a secondary has not transferred the zone");
        if (served.Select(s => s.Mx.ToString()).Distinct().Count() > 1)
            _warnings.Add($"authoritative servers serve different MX records: {string.Join("; ", served.Select(s => $"{s.Server.Name} {s.Mx}"))}");

        var primary = served[0];
        var lowered = t.Settings.LoweredTtl;
        if (primary.Ttl > lowered)
            _warnings.Add($"MX TTL is {primary.Ttl} s, above dns.lowered_ttl ({lowered} s): lower it (dns.lower_ttl) at least {primary.Ttl} s before the switch");
        if (primary.Mx.IsEmpty)
            _warnings.Add($"{t.Domain} has no MX record on {primary.Server.Name}");
        else if (!t.OldMx.IsEmpty && !primary.Mx.Equals(t.OldMx) && !primary.Mx.Equals(t.NewMx))
            _warnings.Add($"dns.mx.old ({t.OldMx}) does not match what {primary.Server.Name} serves ({primary.Mx}): the plan describes another zone than the real one");
        else if (primary.Mx.Equals(t.NewMx))
            _lines.Add($"{primary.Server.Name} already serves the new MX");

        foreach (var resolver in t.Resolvers)
        {
            var view = await _probe.MxAsync(resolver, t.Domain, recursion: true, cancellationToken);
            _lines.Add($"resolver {resolver.Name}: {view.Mx.WithTtl(view.Ttl)}" + (view.Mx.Equals(primary.Mx) ? "" : " (differs from the authoritative answer: a cached copy)"));
        }

        await HostsAsync(primary.Mx, isNew: false, cancellationToken);
        var senders = await HostsAsync(t.NewMx, isNew: true, cancellationToken);
        await SpfAsync(senders, cancellationToken);
        return new DnsCheckReport(t.Domain, t.Authoritative.Count + t.Resolvers.Count, primary.Ttl, _lines, _warnings);
    }

    /// <summary>Each MX host's addresses; warns about CNAMEs, hosts without address and mixed address families.</summary>
    private async Task<List<IPAddress>> HostsAsync(MxSet mx, bool isNew, CancellationToken cancellationToken)
    {
        var all = new List<IPAddress>();
        var families = new List<string>();
        foreach (var host in mx.Hosts)
        {
            if (host == ".") continue; // a Null MX (RFC 7505) has no host
            var (a, aaaa, cname) = await AddressesAsync(host, cancellationToken);
            if (cname is not null)
                _warnings.Add($"MX host {host} is a CNAME (to {cname}): RFC 2181 §10.3 forbids it, and some senders will not deliver");
            if (a.Count + aaaa.Count == 0)
                _warnings.Add(isNew ? $"dns.mx.new host {host} does not resolve (no A/AAAA): mail would go nowhere after the switch" : $"MX host {host} has no address (A/AAAA)");
            else
                families.Add(a.Count > 0 && aaaa.Count > 0 ? "both" : a.Count > 0 ? "IPv4 only" : "IPv6 only");
            if (a.Count == 0 && aaaa.Count > 0)
                _warnings.Add($"MX host {host} has only IPv6 addresses: IPv4-only senders cannot deliver to it");
            all.AddRange(a.Concat(aaaa));
            _lines.Add($"{(isNew ? "new" : "served")} MX host {host}: {(a.Count + aaaa.Count == 0 ? "no address" : string.Join(", ", a.Concat(aaaa)))}");
        }

        if (families.Distinct().Count() > 1)
            _warnings.Add($"the {(isNew ? "new" : "served")} MX hosts mix address families ({string.Join(", ", mx.Hosts.Zip(families, (h, f) => $"{h} {f}"))}): senders on one family reach only some of them");
        return all;
    }

    private async Task SpfAsync(List<IPAddress> senders, CancellationToken cancellationToken)
    {
        var txt = await TxtAsync(_targets.Domain, cancellationToken);
        var spf = new SpfCheck(_targets.Domain,
            async host => { var (a, aaaa, _) = await AddressesAsync(host, cancellationToken); return [.. a, .. aaaa]; },
            async name => [.. MxSet.From((await AskAsync(name, DnsType.Mx, cancellationToken))?.Records ?? []).Hosts],
            name => TxtAsync(name, cancellationToken));
        var verdict = await spf.EvaluateAsync(txt, senders, [.. _targets.NewMx.Hosts]);
        _lines.Add($"SPF: {verdict.Reason}");
        if (verdict.Allowed != true) _warnings.Add(verdict.Allowed is null ? $"SPF: {verdict.Reason}" : verdict.Reason);
    }

    private async Task<IReadOnlyList<string>> TxtAsync(string name, CancellationToken cancellationToken) =>
        [.. ((await AskAsync(name, DnsType.Txt, cancellationToken))?.Of(DnsType.Txt) ?? []).Select(r => r.Data)];

    private async Task<(List<IPAddress> A, List<IPAddress> Aaaa, string? Cname)> AddressesAsync(string host, CancellationToken cancellationToken)
    {
        var a = await AskAsync(host, DnsType.A, cancellationToken);
        var aaaa = await AskAsync(host, DnsType.Aaaa, cancellationToken);
        var cname = a?.Records.FirstOrDefault(r => r.Type == DnsType.Cname && r.Owner == DnsAdapter.Fqdn(host))?.Data;
        return ([.. (a?.Of(DnsType.A) ?? []).Select(r => IPAddress.Parse(r.Data))], [.. (aaaa?.Of(DnsType.Aaaa) ?? []).Select(r => IPAddress.Parse(r.Data))], cname);
    }

    /// <summary>Names inside the zone are asked of the primary; others of the first resolver (null when there is none).</summary>
    private async Task<DnsAnswer?> AskAsync(string name, DnsType type, CancellationToken cancellationToken)
    {
        var fqdn = DnsAdapter.Fqdn(name);
        var inZone = fqdn == _apex || fqdn.EndsWith("." + _apex, StringComparison.Ordinal);
        if (!inZone && _targets.Resolvers.Count == 0)
        {
            _lines.Add($"{fqdn} {type.ToString().ToUpperInvariant()}: outside zone {_apex} and no resolver to ask");
            return null;
        }

        return await _probe.AskAsync(inZone ? _targets.Primary : _targets.Resolvers[0], fqdn, type, recursion: !inZone, cancellationToken);
    }
}
