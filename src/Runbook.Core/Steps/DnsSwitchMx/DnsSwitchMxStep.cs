using System.Globalization;
using System.Text.Json.Nodes;
using Runbook.Adapters.Dns;
using Runbook.Engine;
using Runbook.Plan.Model;
using Runbook.Plan.Steps;
using Runbook.Steps.Dns;

namespace Runbook.Steps.DnsSwitchMx;

/// <summary>
/// <c>dns.switch_mx</c>: not before the earliest safe switch time that <c>dns.lower_ttl</c> recorded, replaces
/// <c>dns.mx.old</c> by <c>dns.mx.new</c> in one update whose prerequisite is the old RRset, so a repeated switch is a
/// no-op; then checks every authoritative server serves the new RRset and records the switch time. A re-run that finds
/// the new MX served records it instead of updating again.
/// </summary>
internal sealed class DnsSwitchMxStep(IDnsAdapter dns) : IStepKind
{
    private const string StartedKey = "switch_started_at";
    private const string TtlBeforeKey = "max_mx_ttl_before_switch";
    private const string SwitchedKey = "switched_at";

    public string Name => "dns.switch_mx";

    public IReadOnlyList<string> PlanSections => ["dns"];

    public async Task<StepPreview> PreviewAsync(StepContext context, CancellationToken cancellationToken)
    {
        var targets = DnsTargets.From(context);
        var served = await new DnsProbe(dns, context).MxAsync(targets.Primary, targets.Domain, recursion: false, cancellationToken);
        if (served.Mx.Equals(targets.NewMx))
        {
            return StepPreview.NothingToDo($"{targets.Primary.Name} already serves the new MX: {served.Mx.WithTtl(served.Ttl)}");
        }

        var gate = await GateAsync(context, cancellationToken);
        var ttl = await NewTtlAsync(context, served, cancellationToken);
        var how = targets.Settings.Provider == DnsProviderKind.Manual ? "by hand (manual provider)" : $"in one RFC 2136 update to {targets.UpdateServer}";
        var details = new List<string> { $"{targets.Domain} {served.Mx.WithTtl(served.Ttl)} → {targets.NewMx.WithTtl(ttl)}" };
        if (!served.Mx.Equals(targets.OldMx))
        {
            details.Add($"warning: {targets.Primary.Name} serves {served.Mx}, not dns.mx.old ({targets.OldMx}): apply will refuse to switch");
        }

        details.Add(gate.Earliest switch
        {
            { } at when at == DateTimeOffset.MaxValue =>
                $"not before the earliest safe switch time, which {gate.Source.Split(' ')[0]} sets when it lowers the TTL (from the TTL served now: {DnsTimes.Local(context, context.Time.GetUtcNow().AddSeconds(served.Ttl))} at the earliest)",
            { } at => $"not before {DnsTimes.Local(context, at)} ({gate.Source})",
            null => gate.Source,
        });
        return StepPreview.Changes($"switch MX {how}", details);
    }

    public async Task<StepOutcome> ApplyAsync(StepContext context, CancellationToken cancellationToken)
    {
        var targets = DnsTargets.From(context);
        var probe = new DnsProbe(dns, context);
        var state = context.State;
        var served = await probe.MxAsync(targets.Primary, targets.Domain, recursion: false, cancellationToken);
        if (!served.Mx.Equals(targets.NewMx))
        {
            var gate = await GateAsync(context, cancellationToken);
            if (gate.Earliest == DateTimeOffset.MaxValue)
            {
                return StepOutcome.Fail($"refusing to switch: {gate.Source}, so the earliest safe switch time is unknown; nothing was changed", retryable: false);
            }

            if (gate.Earliest is { } earliest && context.Time.GetUtcNow() < earliest)
            {
                return StepOutcome.WaitUntil(earliest, $"not before the earliest safe switch time: {context.Step.Id} can run from {DnsTimes.Local(context, earliest)} ({gate.Source})");
            }

            if (!served.Mx.Equals(targets.OldMx))
            {
                return StepOutcome.Fail($"{targets.Primary} serves {served.Mx}, which is neither dns.mx.old ({targets.OldMx}) nor dns.mx.new ({targets.NewMx}); nothing was changed (fix the plan or the zone)", retryable: false);
            }

            if (await SwitchAsync(context, targets, probe, served, cancellationToken) is { } stop)
            {
                return stop;
            }
        }

        return await ConfirmAsync(context, targets, probe, state, cancellationToken);
    }

    /// <summary>Records what the delta sync needs before touching anything, then switches (or asks a person to).</summary>
    private async Task<StepOutcome?> SwitchAsync(StepContext context, DnsTargets targets, DnsProbe probe, ServedMx served, CancellationToken cancellationToken)
    {
        var state = context.State;
        var ttl = await NewTtlAsync(context, served, cancellationToken);
        if (await state.GetCheckpointAsync(StartedKey, cancellationToken) is null)
        {
            // The largest TTL anyone may have cached the old MX with: the authoritative one, or a resolver's copy.
            var largest = served.Ttl;
            foreach (var resolver in targets.Resolvers)
            {
                largest = Math.Max(largest, (await probe.MxAsync(resolver, targets.Domain, recursion: true, cancellationToken)).Ttl);
            }

            await state.SetCheckpointAsync(TtlBeforeKey, largest.ToString(CultureInfo.InvariantCulture), cancellationToken);
            await state.SetCheckpointAsync(StartedKey, DnsTimes.Iso(context.Time.GetUtcNow()), cancellationToken);
        }

        var zone = (await probe.ZoneAsync(targets.Primary, targets.Domain, cancellationToken)).Apex;
        var diff = $"{targets.Domain} {served.Mx.WithTtl(served.Ttl)} → {targets.NewMx.WithTtl(ttl)}";
        if (targets.Settings.Provider == DnsProviderKind.Manual)
        {
            if (await ManualChange.AwaitAsync(context, zone, [diff], cancellationToken) is { } wait)
            {
                return wait;
            }

            await ManualChange.ResetAsync(context, cancellationToken);
            return StepOutcome.Fail($"the manual change was approved but {targets.Primary} serves {served.Mx.WithTtl(served.Ttl)}: "
                + $"missing {string.Join(", ", targets.NewMx.Except(served.Mx))}; unexpected {string.Join(", ", served.Mx.Except(targets.NewMx).DefaultIfEmpty("none"))}. "
                + $"Make it exactly {targets.NewMx.WithTtl(ttl)} and apply again", retryable: true);
        }

        var key = await DnsKeys.ResolveAsync(context, cancellationToken);
        var change = new DnsChange(zone, targets.Domain, DnsType.Mx, targets.OldMx.Records(targets.Domain, served.Ttl), targets.NewMx.Records(targets.Domain, ttl));
        var result = await dns.UpdateAsync(targets.UpdateServer, [change], key, cancellationToken);
        if (result == DnsUpdateResult.PrerequisiteFailed)
        {
            // Someone (or our own crashed run) changed the RRset since we read it: look again rather than guess.
            return StepOutcome.Fail($"the MX changed between reading and switching (the old RRset was no longer there at {targets.UpdateServer}); nothing was changed, apply again", retryable: true);
        }

        await state.RecordAsync($"switched MX via {targets.UpdateServer.Name}: {diff}",
            new JsonObject { ["server"] = targets.UpdateServer.ToString(), ["zone"] = zone, ["old"] = served.Mx.WithTtl(served.Ttl), ["new"] = targets.NewMx.WithTtl(ttl) },
            cancellationToken);
        return null;
    }

    /// <summary>Done when every authoritative server serves the new RRset; the first confirmation fixes the switch time.</summary>
    private static async Task<StepOutcome> ConfirmAsync(StepContext context, DnsTargets targets, DnsProbe probe, IStepState state, CancellationToken cancellationToken)
    {
        var ttl = 0;
        foreach (var server in targets.Authoritative)
        {
            var served = await probe.MxAsync(server, targets.Domain, recursion: false, cancellationToken);
            if (!served.Mx.Equals(targets.NewMx))
            {
                return StepOutcome.WaitUntil(served.Answer.At.AddSeconds(10), $"waiting for {server} to serve the new MX ({targets.NewMx}); it still serves {served.Mx}");
            }

            ttl = Math.Max(ttl, served.Ttl);
        }

        var switched = DnsTimes.Parse(await state.GetCheckpointAsync(SwitchedKey, cancellationToken));
        if (switched is null)
        {
            // After a crash between update and this line the update time is unknown; now is later, so deadlines counted from it are safe.
            switched = context.Time.GetUtcNow();
            await state.SetCheckpointAsync(SwitchedKey, DnsTimes.Iso(switched.Value), cancellationToken);
        }

        var before = int.TryParse(await state.GetCheckpointAsync(TtlBeforeKey, cancellationToken), CultureInfo.InvariantCulture, out var t) ? t : ttl;
        return StepOutcome.Succeeded(new JsonObject
        {
            ["summary"] = $"MX switched to {targets.NewMx} at {DnsTimes.Local(context, switched.Value)}; resolvers may hold the old MX up to {before} s more",
            ["switched_at"] = DnsTimes.Iso(switched.Value),
            ["old_mx"] = targets.OldMx.ToString(),
            ["new_mx"] = targets.NewMx.ToString(),
            ["ttl"] = ttl,
            ["max_mx_ttl_before_switch"] = before,
        });
    }

    /// <summary>The earliest safe switch time from the plan's <c>dns.lower_ttl</c> step, and where it came from.</summary>
    private static async Task<(DateTimeOffset? Earliest, string Source)> GateAsync(StepContext context, CancellationToken cancellationToken)
    {
        if (DnsStepKinds.Find(context.Plan, context.Step, StepKinds.LowerTtl) is not { } lower)
        {
            return (null, "no dns.lower_ttl step before it: resolvers may keep the old MX for its full TTL");
        }

        var outputs = await context.State.GetOutputsAsync(lower.Id, cancellationToken);
        return DnsTimes.Read(outputs, "earliest_switch_at") is { } at
            ? (at, $"{lower.Id} lowered the TTL at {DnsTimes.Local(context, DnsTimes.Read(outputs, "lowered_at") ?? at)}")
            : (DateTimeOffset.MaxValue, $"{lower.Id} has not lowered the TTL yet");
    }

    /// <summary>The new RRset keeps the lowered TTL, so a later correction propagates as quickly as the switch did.</summary>
    private static async Task<int> NewTtlAsync(StepContext context, ServedMx served, CancellationToken cancellationToken)
    {
        var lower = DnsStepKinds.Find(context.Plan, context.Step, StepKinds.LowerTtl);
        var outputs = lower is null ? null : await context.State.GetOutputsAsync(lower.Id, cancellationToken);
        return outputs?["to_ttl"]?.GetValue<int>() ?? (lower is not null ? Math.Min(served.Ttl, context.Plan.Dns?.LoweredTtl ?? served.Ttl) : served.Ttl);
    }
}
