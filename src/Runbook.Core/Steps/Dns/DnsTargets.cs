using Runbook.Adapters.Dns;
using Runbook.Engine;
using Runbook.Errors;
using Runbook.Plan.Model;

namespace Runbook.Steps.Dns;

/// <summary>The plan's <c>dns:</c> section as the steps use it: the mail domain, who to ask, what the MX should be.</summary>
internal sealed record DnsTargets(
    string Domain, IReadOnlyList<DnsServer> Authoritative, IReadOnlyList<DnsServer> Resolvers, DnsServer UpdateServer,
    DnsSettings Settings, MxSet OldMx, MxSet NewMx)
{
    public DnsServer Primary => Authoritative[0];

    public static DnsTargets From(StepContext context)
    {
        var dns = context.Plan.Dns ?? throw new UsageException($"step {context.Step.Id}: {context.Step.Uses} needs a dns: section", ExitCode.InvalidPlan);
        var authoritative = dns.Authoritative.Select((a, i) => Server(a, $"ns{i + 1}")).ToList();
        if (authoritative.Count == 0)
        {
            throw new UsageException($"step {context.Step.Id}: dns.authoritative names no server to ask", ExitCode.InvalidPlan);
        }

        var resolvers = dns.Resolvers.Select((r, i) => Server(r, $"resolver{i + 1}")).ToList();
        var update = dns.UpdateServer is { } u ? Server(u, "update") : authoritative[0];
        return new DnsTargets(DnsAdapter.Fqdn(dns.Zone), authoritative, resolvers, update, dns,
            MxSet.From(dns.OldMx), MxSet.From(dns.NewMx));
    }

    public IEnumerable<(DnsServer Server, bool Recursion)> Everyone =>
        Authoritative.Select(a => (a, false)).Concat(Resolvers.Select(r => (r, true)));

    private static DnsServer Server(DnsServerAddress address, string fallback) =>
        new(address.Name ?? fallback, address.Host, address.Port);
}
