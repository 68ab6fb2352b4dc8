using System.Net;
using System.Net.Sockets;

namespace Runbook.Steps.DnsCheck;

/// <summary>What SPF says about the new server: allowed (and by which term), not allowed, or undecidable (and why).</summary>
internal sealed record SpfVerdict(bool? Allowed, string Reason);

/// <summary>
/// Whether the domain's SPF (RFC 7208) lets the new server's addresses send: <c>ip4</c>, <c>ip6</c>, <c>a</c>, <c>mx</c>
/// and <c>include</c>/<c>redirect</c> one level deep. Anything it cannot evaluate without guessing (macros, <c>exists</c>,
/// <c>ptr</c>, deeper includes) makes it say so instead of answering.
/// </summary>
internal sealed class SpfCheck(string domain, Func<string, Task<IReadOnlyList<IPAddress>>> addressesOf, Func<string, Task<IReadOnlyList<string>>> mxHostsOf, Func<string, Task<IReadOnlyList<string>>> txtOf)
{
    public async Task<SpfVerdict> EvaluateAsync(IReadOnlyList<string> txt, IReadOnlyList<IPAddress> senders, IReadOnlyList<string> newMxHosts)
    {
        var records = txt.Where(IsSpf).ToList();
        if (records.Count == 0) return new SpfVerdict(false, $"{domain} has no SPF record: receivers cannot tell the new server is allowed to send");
        if (records.Count > 1) return new SpfVerdict(null, $"{domain} has {records.Count} SPF records (RFC 7208 §4.5: a permanent error)");
        if (senders.Count == 0) return new SpfVerdict(null, "the new MX hosts have no address to check SPF against");

        var missing = new List<string>();
        foreach (var sender in senders)
        {
            var verdict = await MatchAsync(records[0], domain, sender, newMxHosts, depth: 0);
            if (verdict.Allowed is null) return verdict;
            if (verdict.Allowed == false) missing.Add(sender.ToString());
        }

        return missing.Count == 0
            ? new SpfVerdict(true, $"SPF of {domain} allows the new server ({string.Join(", ", senders)})")
            : new SpfVerdict(false, $"SPF of {domain} (\"{records[0]}\") does not allow the new server's address {string.Join(", ", missing)}: its mail would be marked as spam or rejected");
    }

    private static bool IsSpf(string text) => text.Equals("v=spf1", StringComparison.OrdinalIgnoreCase) || text.StartsWith("v=spf1 ", StringComparison.OrdinalIgnoreCase);

    private async Task<SpfVerdict> MatchAsync(string record, string owner, IPAddress sender, IReadOnlyList<string> newMxHosts, int depth)
    {
        foreach (var raw in record.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1))
        {
            if (raw.Contains('%', StringComparison.Ordinal)) return new SpfVerdict(null, $"cannot decide: SPF term '{raw}' uses a macro");
            var pass = raw[0] is not ('-' or '~' or '?');
            var term = raw.TrimStart('+', '-', '~', '?').ToLowerInvariant();
            var (name, value) = Split(term);
            switch (name)
            {
                case "all":
                    return new SpfVerdict(pass, $"'{raw}'");
                case "ip4" or "ip6" when Contains(value, sender):
                    return new SpfVerdict(pass, $"'{raw}'");
                case "a" when await AnyAsync(value ?? owner, sender, a: true):
                    return new SpfVerdict(pass, $"'{raw}'");
                case "mx" when value is null && owner == domain && newMxHosts.Count > 0:
                    // "mx" names the domain's MX hosts as they are when mail is sent: after the switch, the new ones.
                    return new SpfVerdict(pass, $"'{raw}' (once the MX points at the new hosts)");
                case "mx" when await AnyAsync(value ?? owner, sender, a: false):
                    return new SpfVerdict(pass, $"'{raw}'");
                case "include" or "redirect" when value is not null:
                    if (depth > 0) return new SpfVerdict(null, $"cannot decide: '{raw}' is nested more than one level deep");
                    var inner = (await txtOf(value)).Where(IsSpf).ToList();
                    if (inner.Count != 1) return new SpfVerdict(null, $"cannot decide: '{raw}' has {inner.Count} SPF records");
                    var verdict = await MatchAsync(inner[0], value, sender, newMxHosts, depth + 1);
                    if (verdict.Allowed != false || name == "redirect") return verdict.Allowed == true ? new SpfVerdict(pass, $"'{raw}' → {verdict.Reason}") : verdict;
                    break;
                case "exists" or "ptr":
                    return new SpfVerdict(null, $"cannot decide: SPF term '{raw}' depends on the sending connection");
            }
        }

        return new SpfVerdict(false, "no term matches (neutral)");
    }

    private static (string Name, string? Value) Split(string term)
    {
        var at = term.IndexOfAny([':', '=']);
        return at < 0 ? (term.Split('/')[0], null) : (term[..at], term[(at + 1)..]);
    }

    private static bool Contains(string? network, IPAddress sender)
    {
        if (network is null) return false;
        var text = network.Contains('/', StringComparison.Ordinal) ? network : $"{network}/{(network.Contains(':', StringComparison.Ordinal) ? 128 : 32)}";
        return IPNetwork.TryParse(text, out var net) && sender.AddressFamily == net.BaseAddress.AddressFamily && net.Contains(sender);
    }

    private async Task<bool> AnyAsync(string name, IPAddress sender, bool a)
    {
        var hosts = a ? [name.Split('/')[0]] : await mxHostsOf(name.Split('/')[0]);
        foreach (var host in hosts)
        {
            if ((await addressesOf(host)).Any(ip => ip.Equals(sender))) return true;
        }

        return false;
    }

    public static bool IsV6(IPAddress ip) => ip.AddressFamily == AddressFamily.InterNetworkV6;
}
