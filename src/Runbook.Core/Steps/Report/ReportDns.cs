using System.Globalization;
using System.Text.Json.Nodes;
using Runbook.Adapters.Dns;
using Runbook.Engine;
using Runbook.Plan.Model;
using Runbook.Plan.Steps;
using Runbook.Steps.Dns;

namespace Runbook.Steps.Report;

/// <summary>
/// The DNS as the steps saw it over time: every MX answer they journaled (server, authoritative or resolver, MX, TTL,
/// time), and the moments that matter — TTL lowered, safe switch time, switch, when the old MX may be cached until,
/// propagation — read from the DNS steps' checkpoints, so they show while a step still waits. SVG geometry is computed here.
/// </summary>
internal static class ReportDns
{
    private const int Width = 960;
    private const int LabelWidth = 200;
    private const int Row = 22;
    private const int Top = 34;

    public static async Task<JsonObject?> BuildAsync(
        RunbookPlan plan, IStateStore? store, IReadOnlyDictionary<string, StepRecord> steps, IReadOnlyList<JournalEntry> journal, Func<DateTimeOffset?, string?> time, CancellationToken cancellationToken)
    {
        if (plan.Dns is not { } dns)
        {
            return null;
        }

        var oldMx = MxSet.From(dns.OldMx);
        var newMx = MxSet.From(dns.NewMx);
        var observations = journal.Where(IsMxAnswer).Select(e => Observation(e, oldMx, newMx)).ToList();
        var lower = plan.Steps.FirstOrDefault(s => s.Uses == StepKinds.LowerTtl);
        var @switch = plan.Steps.FirstOrDefault(s => s.Uses == StepKinds.SwitchMx);
        var wait = plan.Steps.FirstOrDefault(s => s.Uses == StepKinds.WaitPropagation);
        async Task<string?> Checkpoint(StepDefinition? step, string key) =>
            step is null || store is null ? null : await store.GetCheckpointAsync(step.Id, key, cancellationToken) is { Length: > 0 } v ? v : null;

        var oldTtl = Int(await Checkpoint(lower, "old_ttl"));
        var lowered = DnsTimes.Parse(await Checkpoint(lower, "lowered_at"));
        var safe = DnsTimes.Parse(await Checkpoint(lower, "earliest_switch_at")) ?? (lowered is { } l && oldTtl is { } t ? l.AddSeconds(t) : null);
        var switched = DnsTimes.Parse(await Checkpoint(@switch, "switched_at"));
        var ttlBefore = Int(await Checkpoint(@switch, "max_mx_ttl_before_switch"));
        var stale = switched is { } s && ttlBefore is { } b ? s.AddSeconds(b) : (DateTimeOffset?)null;
        var propagated = wait is null ? null : DnsTimes.Read(steps.GetValueOrDefault(wait.Id)?.Outputs, "propagated_at");
        var loweredTo = lower is null ? null : steps.GetValueOrDefault(lower.Id)?.Outputs?["to_ttl"]?.GetValue<int>();

        var markers = new List<(string Key, DateTimeOffset At)>();
        void Mark(string key, DateTimeOffset? at) { if (at is { } a) markers.Add((key, a)); }
        Mark("lowered_at", lowered);
        Mark("safe_switch_at", safe);
        Mark("switched_at", switched);
        Mark("old_mx_cached_until", stale);
        Mark("propagated_at", propagated);
        return new JsonObject
        {
            ["zone"] = dns.Zone,
            ["old_mx"] = oldMx.ToString(),
            ["new_mx"] = newMx.ToString(),
            ["old_ttl"] = oldTtl,
            ["lowered_ttl"] = loweredTo ?? dns.LoweredTtl,
            ["lowered_at"] = time(lowered),
            ["safe_switch_at"] = time(safe),
            ["switched_at"] = time(switched),
            ["switched_after_safe_time"] = switched is { } sw && safe is { } sa ? sw >= sa : null,
            ["max_ttl_before_switch"] = ttlBefore,
            ["old_mx_cached_until"] = time(stale),
            ["propagated_at"] = time(propagated),
            ["observations"] = new JsonArray([.. observations.Select(o => (JsonNode)new JsonObject
            {
                ["at"] = time(o.At), ["step"] = o.Step, ["server"] = o.Server, ["role"] = o.Role, ["rcode"] = o.Rcode,
                ["mx"] = o.Mx, ["ttl"] = o.Ttl, ["is"] = o.Is,
            })]),
            ["chart"] = Chart(observations, markers, time),
        };
    }

    private sealed record Seen(DateTimeOffset At, string? Step, string Server, string Role, string Rcode, string Mx, int? Ttl, string Is);

    private static bool IsMxAnswer(JournalEntry e) =>
        e.Detail?["question"]?["type"]?.GetValue<string>() == "MX" && e.Detail["server"]?["name"] is not null && e.Detail["answer"] is JsonArray;

    private static Seen Observation(JournalEntry e, MxSet oldMx, MxSet newMx)
    {
        var d = e.Detail!;
        var records = d["answer"]!.AsArray().Where(r => r?["type"]?.GetValue<string>() == "MX")
            .Select(r => new DnsRecord(r!["name"]!.GetValue<string>(), DnsType.Mx, r["ttl"]!.GetValue<int>(), r["data"]!.GetValue<string>())).ToList();
        var mx = MxSet.From(records);
        var at = DnsTimes.Parse(d["time"]?.GetValue<string>()) ?? e.At;
        var rcode = d["rcode"]?.GetValue<string>() ?? "NOERROR";
        var @is = rcode != "NOERROR" ? "error" : mx.Equals(newMx) ? "new" : mx.Equals(oldMx) ? "old" : mx.IsEmpty ? "none" : "other";
        var role = d["question"]!["recursion"]?.GetValue<bool>() == true ? "resolver" : "authoritative";
        return new Seen(at, e.StepId, d["server"]!["name"]!.GetValue<string>(), role, rcode, mx.ToString(), records.Count == 0 ? null : records.Max(r => r.Ttl), @is);
    }

    /// <summary>One row per server (authoritative first), a dot per answer coloured old/new, a vertical line per moment.</summary>
    private static JsonObject Chart(List<Seen> observations, List<(string Key, DateTimeOffset At)> markers, Func<DateTimeOffset?, string?> time)
    {
        var servers = observations.Select(o => (o.Role, o.Server)).Distinct().OrderBy(s => s.Role == "authoritative" ? 0 : 1).ThenBy(s => s.Server, StringComparer.Ordinal).ToList();
        var instants = observations.Select(o => o.At).Concat(markers.Select(m => m.At)).ToList();
        var start = instants.Count == 0 ? DateTimeOffset.UnixEpoch : instants.Min();
        var span = Math.Max(1, ((instants.Count == 0 ? start : instants.Max()) - start).TotalSeconds);
        double X(DateTimeOffset t) => Math.Round(LabelWidth + ((t - start).TotalSeconds / span * (Width - LabelWidth - 30)), 1);
        var height = Top + (servers.Count * Row) + 8;
        var index = servers.Select((s, i) => (s, i)).ToDictionary(p => p.s, p => p.i);
        return new JsonObject
        {
            ["width"] = Width,
            ["height"] = height,
            ["rows"] = new JsonArray([.. servers.Select((s, i) => (JsonNode)new JsonObject
            {
                ["server"] = s.Server, ["role"] = s.Role, ["y"] = Top + (i * Row) + (Row / 2), ["text_y"] = Top + (i * Row) + (Row / 2) + 4,
            })]),
            ["points"] = new JsonArray([.. observations.Select(o => (JsonNode)new JsonObject
            {
                ["x"] = X(o.At), ["y"] = Top + (index[(o.Role, o.Server)] * Row) + (Row / 2), ["is"] = o.Is,
                ["label"] = $"{time(o.At)?[..19].Replace('T', ' ')} {o.Server}: {(o.Rcode == "NOERROR" ? o.Mx : o.Rcode)}{(o.Ttl is { } t ? string.Create(CultureInfo.InvariantCulture, $" TTL {t}") : "")}",
            })]),
            ["markers"] = new JsonArray([.. markers.Select((m, i) => (JsonNode)new JsonObject
            {
                ["key"] = m.Key, ["at"] = time(m.At), ["x"] = X(m.At), ["label_y"] = 10 + (i % 2 * 12),
            })]),
        };
    }

    private static int? Int(string? text) => int.TryParse(text, CultureInfo.InvariantCulture, out var v) ? v : null;
}
