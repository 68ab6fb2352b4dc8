using System.Globalization;
using Runbook.Engine.Windows;
using Runbook.Errors;
using Runbook.Plan.Model;

namespace Runbook.Engine;

internal sealed partial class PlanRunner
{
    /// <summary>Why a step cannot start now: until a time (null: until something happens), or never (<paramref name="Blocked"/>).</summary>
    private sealed record Hold(DateTimeOffset? Until, string Reason, bool Blocked = false, bool Approval = false);

    /// <summary>The first <c>requires</c> gate that is not met, as a sentence; null when every required step is done.</summary>
    private static string? UnmetRequirement(StepDefinition step, IReadOnlyDictionary<string, StepRecord> records)
    {
        foreach (var required in step.Requires)
        {
            var status = records.TryGetValue(required, out var record) ? record.Status : StepStatus.Pending;
            if (status != StepStatus.Done)
            {
                return $"gate not met: step {step.Id} requires {required} to have succeeded, but it is {status.ToString().ToLowerInvariant()}"
                    + (record?.Error is { } error ? $" ({error})" : "");
            }
        }

        return null;
    }

    /// <summary>Approval first (a person decides), then the window (the clock decides).</summary>
    private async Task<Hold?> HoldAsync(RunbookPlan plan, StepDefinition step, string fingerprint, IStateStore? store, CancellationToken cancellationToken)
    {
        if (step.Approval)
        {
            var approval = store is null ? null : await store.GetApprovalAsync(step.Id, cancellationToken);
            if (approval is null)
            {
                return new Hold(null, $"waiting for approval: run `runbook approve {plan.SourcePath} {step.Id}`", Approval: true);
            }

            if (approval.Fingerprint != fingerprint)
            {
                return new Hold(null, $"waiting for approval: the step changed since {approval.ApprovedBy} approved it; run `runbook approve {plan.SourcePath} {step.Id}` again", Approval: true);
            }
        }

        if (step.Window is { } name && plan.Windows.TryGetValue(name, out var window))
        {
            var zone = TimeZones.Find(plan.Timezone) ?? throw new UsageException($"unknown time zone '{plan.Timezone}'", ExitCode.InvalidPlan);
            var schedule = new WindowSchedule(window, zone);
            var now = _time.GetUtcNow();
            if (!schedule.IsOpen(now))
            {
                return schedule.NextOpening(now) is { } next
                    ? new Hold(next, $"window {name} is closed; it opens {Local(next, zone)}")
                    : new Hold(null, $"window {name} never opens again (check its days and blackout dates)", Blocked: true);
            }
        }

        return null;
    }

    private static string Local(DateTimeOffset instant, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(instant, zone).ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture) + $" ({zone.Id})";

    /// <summary>The steps this apply may run, in plan order.</summary>
    private static IReadOnlyList<StepDefinition> Select(RunbookPlan plan, ApplyOptions options)
    {
        if (options.OnlyStep is not null && options.FromStep is not null)
        {
            throw new UsageException("--step and --from cannot be combined");
        }

        var id = options.OnlyStep ?? options.FromStep;
        if (id is null)
        {
            return plan.Steps;
        }

        var index = plan.Steps.ToList().FindIndex(s => s.Id == id);
        if (index < 0)
        {
            throw new UsageException($"the plan has no step '{id}' (steps: {string.Join(", ", plan.Steps.Select(s => s.Id))})");
        }

        return options.OnlyStep is not null ? [plan.Steps[index]] : plan.Steps.Skip(index).ToList();
    }
}
