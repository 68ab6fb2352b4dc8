using System.Text.Json.Nodes;
using Runbook.Adapters.Dns;
using Runbook.Engine;
using Runbook.Errors;
using Runbook.Plan;
using Runbook.Steps.Dns;

namespace Runbook.Steps.DnsWaitPropagation;

/// <summary>
/// <c>dns.wait_propagation</c>: polls every watched resolver until each answers the new MX, naming those that still
/// answer the old one and how much TTL their copy has left; between polls it waits (exit 3, or sleeps with --wait),
/// and it fails after <c>timeout</c> (default 48h) counted from its first start.
/// </summary>
internal sealed class DnsWaitPropagationStep(IDnsAdapter dns) : IStepKind
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromHours(48);
    private static readonly TimeSpan MaxPoll = TimeSpan.FromMinutes(1);

    public string Name => "dns.wait_propagation";

    public IReadOnlyList<string> PlanSections => ["dns"];

    public async Task<StepPreview> PreviewAsync(StepContext context, CancellationToken cancellationToken)
    {
        var targets = DnsTargets.From(context);
        var views = await ObserveAsync(context, targets, cancellationToken);
        var stale = views.Where(v => !v.Mx.Equals(targets.NewMx)).ToList();
        return stale.Count == 0
            ? StepPreview.NothingToDo($"every watched resolver ({views.Count}) already answers the new MX ({targets.NewMx})")
            : StepPreview.Changes($"wait until every watched resolver answers {targets.NewMx} (timeout {Timeout(context)})", [.. views.Select(Describe)]);
    }

    public async Task<StepOutcome> ApplyAsync(StepContext context, CancellationToken cancellationToken)
    {
        var targets = DnsTargets.From(context);
        var views = await ObserveAsync(context, targets, cancellationToken);
        var now = context.Time.GetUtcNow();
        var stale = views.Where(v => !v.Mx.Equals(targets.NewMx)).ToList();
        if (stale.Count == 0)
        {
            return StepOutcome.Succeeded(new JsonObject
            {
                ["summary"] = $"all {views.Count} watched resolvers answer {targets.NewMx} at {DnsTimes.Local(context, now)}",
                ["propagated_at"] = DnsTimes.Iso(now),
                ["resolvers"] = new JsonArray([.. views.Select(v => (JsonNode)new JsonObject { ["name"] = v.Server.Name, ["mx"] = v.Mx.ToString(), ["ttl"] = v.Ttl })]),
            });
        }

        var deadline = (context.FirstStartedAt ?? now) + Timeout(context);
        var still = string.Join("; ", stale.Select(Describe));
        if (now >= deadline)
        {
            return StepOutcome.Fail($"after {Timeout(context)}, {stale.Count} of {views.Count} resolvers do not answer the new MX: {still}", retryable: false);
        }

        // Poll when the first stale copy expires (plus a second for the resolver to ask again), at least every minute.
        var wait = TimeSpan.FromSeconds(Math.Clamp(stale.Min(v => v.Ttl) + 1, 1, MaxPoll.TotalSeconds));
        var next = now + wait < deadline ? now + wait : deadline;
        return StepOutcome.WaitUntil(next, $"{stale.Count} of {views.Count} resolvers still answer the old MX: {still}");
    }

    private static string Describe(ServedMx v) => $"{v.Server.Name} answers {v.Mx} ({v.Ttl} s left of its TTL)";

    /// <summary>Each resolver's MX; an answer is journaled only when it differs from that resolver's last one, so polling for days does not flood the journal.</summary>
    private async Task<List<ServedMx>> ObserveAsync(StepContext context, DnsTargets targets, CancellationToken cancellationToken)
    {
        if (targets.Resolvers.Count == 0)
        {
            throw new UsageException($"step {context.Step.Id}: dns.resolvers names no resolver to watch", ExitCode.InvalidPlan);
        }

        var probe = new DnsProbe(dns, context);
        var views = new List<ServedMx>();
        foreach (var resolver in targets.Resolvers)
        {
            var served = await probe.MxAsync(resolver, targets.Domain, recursion: true, cancellationToken, record: false);
            var key = $"last/{resolver.Name}";
            if (!context.DryRun && await context.State.GetCheckpointAsync(key, cancellationToken) != served.Mx.ToString())
            {
                await context.State.RecordAsync($"dns answer from {resolver.Name}: {served.Answer.Name} MX → {served.Mx.WithTtl(served.Ttl)}", served.Answer.ToJournal(), cancellationToken);
                await context.State.SetCheckpointAsync(key, served.Mx.ToString(), cancellationToken);
            }

            views.Add(served);
        }

        return views;
    }

    private static TimeSpan Timeout(StepContext context) =>
        context.Step.With["timeout"]?.GetValue<string>() is { } text && Duration.TryParse(text, out var t) ? t : DefaultTimeout;
}
