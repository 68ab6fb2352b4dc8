using System.Text.Json.Nodes;
using Runbook.Adapters.Dns;
using Runbook.Errors;
using Runbook.Steps.Dns;

namespace Runbook.Steps.Verify.Rules;

/// <summary><c>mx</c>: every watched resolver answers <c>dns.mx.new</c>, asked through the DNS steps' adapter; each answer is journaled.</summary>
internal sealed class MxRule(IDnsAdapter dns) : IVerifyRule
{
    public string Name => "mx";

    public bool IsOn(VerifySettings settings) => settings.Mx;

    public async Task<RuleResult> CheckAsync(VerifyRun run, CancellationToken cancellationToken)
    {
        var targets = DnsTargets.From(run.Context);
        if (targets.Resolvers.Count == 0)
        {
            return new RuleResult(Name, false, "dns.resolvers names no resolver to ask", ["dns.resolvers names no resolver to ask: add the resolvers mail senders use"], []);
        }

        var probe = new DnsProbe(dns, run.Context);
        var failures = new List<string>();
        var resolvers = new JsonArray();
        foreach (var resolver in targets.Resolvers)
        {
            try
            {
                var served = await probe.MxAsync(resolver, targets.Domain, recursion: true, cancellationToken);
                var ok = served.Mx.Equals(targets.NewMx);
                if (!ok)
                {
                    failures.Add($"{resolver} answers {served.Mx.WithTtl(served.Ttl)} for {targets.Domain}, not {targets.NewMx}"
                        + (served.Mx.Equals(targets.OldMx) ? " (still the old MX)" : ""));
                }

                resolvers.Add(new JsonObject
                {
                    ["name"] = resolver.Name, ["host"] = resolver.Host, ["port"] = resolver.Port, ["mx"] = served.Mx.ToString(), ["ttl"] = served.Ttl,
                    ["passed"] = ok, ["at"] = VerifyEvidence.Iso(served.Answer.At),
                });
            }
            catch (RunbookException e)
            {
                failures.Add($"{resolver}: {e.Message}");
                resolvers.Add(new JsonObject { ["name"] = resolver.Name, ["host"] = resolver.Host, ["port"] = resolver.Port, ["passed"] = false, ["error"] = e.Message });
            }
        }

        var summary = $"{targets.Resolvers.Count - failures.Count} of {targets.Resolvers.Count} watched resolvers answer {targets.NewMx} for {targets.Domain}";
        return new RuleResult(Name, failures.Count == 0, summary, failures, new JsonObject { ["expected"] = targets.NewMx.ToString(), ["resolvers"] = resolvers });
    }
}
