using System.Globalization;
using System.Text.Json.Nodes;
using Runbook.Adapters.Dns;
using Runbook.Engine;
using Runbook.Plan.Model;
using Runbook.Steps.Dns;

namespace Runbook.Steps.DnsLowerTtl;

/// <summary>
/// <c>dns.lower_ttl</c>: sets the MX TTL (and that of in-zone MX hosts) to the lowered value with the targets
/// unchanged, then waits until the old TTL has run out on every resolver. That moment, lowering time plus old TTL,
/// pushed later by any watched resolver still holding a longer TTL, is the earliest safe switch time.
/// </summary>
internal sealed class DnsLowerTtlStep(IDnsAdapter dns) : IStepKind
{
    private const string OldTtlKey = "old_ttl";
    private const string OldMxKey = "old_mx";
    private const string LoweredAtKey = "lowered_at";
    private const string EarliestKey = "earliest_switch_at";

    public string Name => "dns.lower_ttl";

    public IReadOnlyList<string> PlanSections => ["dns"];

    public async Task<StepPreview> PreviewAsync(StepContext context, CancellationToken cancellationToken)
    {
        var targets = DnsTargets.From(context);
        var target = Target(context);
        var switchStep = DnsStepKinds.SwitchStepName(context);
        if (DnsTimes.Parse(await context.State.GetCheckpointAsync(LoweredAtKey, cancellationToken)) is { } lowered)
        {
            var oldTtl = int.Parse(await context.State.GetCheckpointAsync(OldTtlKey, cancellationToken) ?? "0", CultureInfo.InvariantCulture);
            return StepPreview.NothingToDo($"MX TTL lowered {oldTtl} → {target} at {DnsTimes.Local(context, lowered)}; {switchStep} can run from {DnsTimes.Local(context, lowered.AddSeconds(oldTtl))}");
        }

        var plan = await LoweringPlan.ReadAsync(new DnsProbe(dns, context), targets, target, cancellationToken);
        var from = context.Time.GetUtcNow().AddSeconds(plan.Mx.Ttl);
        if (plan.TooHigh().Count == 0)
        {
            return StepPreview.NothingToDo($"MX TTL is {plan.Mx.Ttl} s, already at most {target} ({plan.Mx.Mx.WithTtl(plan.Mx.Ttl)}); {switchStep} could run from {DnsTimes.Local(context, from)}");
        }

        var how = targets.Settings.Provider == DnsProviderKind.Manual ? "by hand (manual provider)" : $"by RFC 2136 update to {targets.UpdateServer}";
        return StepPreview.Changes(
            $"lower MX TTL {plan.Mx.Ttl} → {target} in zone {plan.Zone.Apex} {how}",
            [.. plan.Describe(), $"then wait {plan.Mx.Ttl} s for the old TTL to run out: {switchStep} could run from {DnsTimes.Local(context, from)} at the earliest"]);
    }

    public async Task<StepOutcome> ApplyAsync(StepContext context, CancellationToken cancellationToken)
    {
        var targets = DnsTargets.From(context);
        var target = Target(context);
        var probe = new DnsProbe(dns, context);
        var state = context.State;
        var oldTtlText = await state.GetCheckpointAsync(OldTtlKey, cancellationToken);
        var lowered = DnsTimes.Parse(await state.GetCheckpointAsync(LoweredAtKey, cancellationToken));
        string zone;
        if (lowered is null)
        {
            var plan = await LoweringPlan.ReadAsync(probe, targets, target, cancellationToken);
            zone = plan.Zone.Apex;
            if (plan.Mx.Mx.IsEmpty)
            {
                return StepOutcome.Fail($"{targets.Primary} serves no MX for {targets.Domain}: there is no TTL to lower (check dns.zone)", retryable: false);
            }

            // Saved before any change: after a crash past the update the server only shows the new TTL.
            if (oldTtlText is null)
            {
                oldTtlText = plan.Mx.Ttl.ToString(CultureInfo.InvariantCulture);
                await state.SetCheckpointAsync(OldMxKey, plan.Mx.Mx.ToString(), cancellationToken);
                await state.SetCheckpointAsync(OldTtlKey, oldTtlText, cancellationToken);
            }

            var expectedMx = await state.GetCheckpointAsync(OldMxKey, cancellationToken);
            if (plan.Mx.Mx.ToString() != expectedMx)
            {
                return StepOutcome.Fail($"the MX targets changed while lowering the TTL: {targets.Primary} serves {plan.Mx.Mx}, before it was {expectedMx}; lowering the TTL must not change them. Nothing more was changed", retryable: false);
            }

            if (await LowerAsync(context, targets, plan, cancellationToken) is { } stop)
            {
                return stop;
            }

            if (await ServedEverywhereAsync(probe, targets, plan, cancellationToken) is { } pending)
            {
                return pending;
            }

            lowered = context.Time.GetUtcNow();
            await state.SetCheckpointAsync(LoweredAtKey, DnsTimes.Iso(lowered.Value), cancellationToken);
        }
        else
        {
            zone = (await probe.ZoneAsync(targets.Primary, targets.Domain, cancellationToken)).Apex;
        }

        var oldTtl = int.Parse(oldTtlText!, CultureInfo.InvariantCulture);
        var earliest = DnsTimes.Parse(await state.GetCheckpointAsync(EarliestKey, cancellationToken)) ?? lowered.Value.AddSeconds(oldTtl);
        var switchStep = DnsStepKinds.SwitchStepName(context);
        var now = context.Time.GetUtcNow();
        if (now < earliest)
        {
            return StepOutcome.WaitUntil(earliest, $"the old MX TTL ({oldTtl} s) runs out on every resolver at {DnsTimes.Local(context, earliest)}; {switchStep} can run from {DnsTimes.Local(context, earliest)}");
        }

        if (await state.GetCheckpointAsync(EarliestKey, cancellationToken) is null)
        {
            // Arithmetic says every cache has expired; the watched resolvers get the last word (some clamp TTLs upwards).
            var watched = await ResolversAsync(context, probe, targets, target, earliest, cancellationToken);
            await state.SetCheckpointAsync(EarliestKey, DnsTimes.Iso(watched), cancellationToken);
            if (now < watched)
            {
                return StepOutcome.WaitUntil(watched, $"a watched resolver still holds the MX with a TTL above {target} s; {switchStep} can run from {DnsTimes.Local(context, watched)}");
            }

            earliest = watched;
        }

        // An MX already served below the lowered TTL keeps its TTL: dns.switch_mx gives the new MX this to_ttl, and
        // raising it at the switch would make a later correction propagate more slowly than the switch.
        var toTtl = Math.Min(oldTtl, target);
        return StepOutcome.Succeeded(new JsonObject
        {
            ["summary"] = (oldTtl <= target ? $"MX TTL {oldTtl} s, already at most {target} s, at {DnsTimes.Local(context, lowered.Value)}" : $"MX TTL {oldTtl} → {target} s at {DnsTimes.Local(context, lowered.Value)}")
                + $"; {switchStep} can run from {DnsTimes.Local(context, earliest)}",
            ["zone"] = zone,
            ["from_ttl"] = oldTtl,
            ["to_ttl"] = toTtl,
            ["lowered_at"] = DnsTimes.Iso(lowered.Value),
            ["earliest_switch_at"] = DnsTimes.Iso(earliest),
        });
    }

    /// <summary>Makes the change (rfc2136) or asks for it (manual); null when the TTLs are now lowered.</summary>
    private async Task<StepOutcome?> LowerAsync(StepContext context, DnsTargets targets, LoweringPlan plan, CancellationToken cancellationToken)
    {
        var changes = plan.Changes();
        if (targets.Settings.Provider == DnsProviderKind.Manual)
        {
            if (changes.Count == 0)
            {
                return null;
            }

            if (await ManualChange.AwaitAsync(context, plan.Zone.Apex, plan.Describe(), cancellationToken) is { } wait)
            {
                return wait;
            }

            // Approved, yet the server still shows the old TTL: the change was not made (or not as asked).
            await ManualChange.ResetAsync(context, cancellationToken);
            return StepOutcome.Fail($"the manual change was approved but {targets.Primary} still serves: {string.Join("; ", plan.Describe().Select(d => d.Split(" → ")[0]))}; make the change ({string.Join("; ", plan.Describe())}) and apply again", retryable: true);
        }

        if (changes.Count == 0)
        {
            return null;
        }

        var key = await DnsKeys.ResolveAsync(context, cancellationToken);
        var result = await dns.UpdateAsync(targets.UpdateServer, changes, key, cancellationToken);
        if (result == DnsUpdateResult.PrerequisiteFailed)
        {
            return StepOutcome.Fail($"the records changed between reading and updating (prerequisite not met at {targets.UpdateServer}); nothing was changed, apply again", retryable: true);
        }

        await context.State.RecordAsync($"lowered TTL in zone {plan.Zone.Apex} via {targets.UpdateServer.Name}: {string.Join("; ", plan.Describe())}",
            new JsonObject { ["server"] = targets.UpdateServer.ToString(), ["zone"] = plan.Zone.Apex, ["changes"] = new JsonArray([.. plan.Describe().Select(d => (JsonNode)d)]) },
            cancellationToken);
        return null;
    }

    /// <summary>Every authoritative server must serve the lowered TTL before the clock starts; a secondary may lag.</summary>
    private static async Task<StepOutcome?> ServedEverywhereAsync(DnsProbe probe, DnsTargets targets, LoweringPlan plan, CancellationToken cancellationToken)
    {
        foreach (var server in targets.Authoritative)
        {
            var served = await probe.MxAsync(server, targets.Domain, recursion: false, cancellationToken);
            if (served.Ttl > plan.Target)
            {
                if (server == targets.Primary)
                {
                    return StepOutcome.Fail($"{server} still serves {served.Mx.WithTtl(served.Ttl)} after the update", retryable: true);
                }

                return StepOutcome.WaitUntil(served.Answer.At.AddSeconds(10), $"waiting for {server} to serve the lowered MX TTL (it still serves {served.Mx.WithTtl(served.Ttl)})");
            }
        }

        return null;
    }

    private static async Task<DateTimeOffset> ResolversAsync(StepContext context, DnsProbe probe, DnsTargets targets, int target, DateTimeOffset earliest, CancellationToken cancellationToken)
    {
        foreach (var resolver in targets.Resolvers)
        {
            var served = await probe.MxAsync(resolver, targets.Domain, recursion: true, cancellationToken);
            if (served.Ttl > target)
            {
                var expiry = served.Answer.At.AddSeconds(served.Ttl);
                context.Log.Warning($"resolver {resolver} still holds {served.Mx.WithTtl(served.Ttl)} (above {target} s; it may clamp TTLs): waiting until {DnsTimes.Local(context, expiry)}");
                earliest = expiry > earliest ? expiry : earliest;
            }
        }

        return earliest;
    }

    private static int Target(StepContext context) =>
        context.Step.With["ttl"]?.GetValue<int>() ?? context.Plan.Dns?.LoweredTtl ?? 300;
}
