
namespace Runbook.Engine;

internal enum StepChangeKind { Added, Changed, Removed }

/// <summary>A step whose definition differs from what the state recorded.</summary>
internal sealed record StepChange(string StepId, StepChangeKind Kind);

/// <summary>
/// How the plan differs from the state. <see cref="Invalidated"/>: steps that ran before and must run again, because
/// they or an earlier step changed (later steps may depend on what earlier ones did). A change that touches only steps
/// that never ran needs no acceptance.
/// </summary>
internal sealed record PlanDiff(IReadOnlyList<StepChange> Changes, IReadOnlyList<string> Invalidated, IReadOnlyList<string> RemovedWithHistory)
{
    /// <summary>Accounts a per-account step did for a definition that has since changed ("step: account"); they alone run again.</summary>
    public IReadOnlyList<string> ChangedAccounts { get; init; } = [];

    public bool RequiresAcceptance => Invalidated.Count > 0 || RemovedWithHistory.Count > 0 || ChangedAccounts.Count > 0;

    public static PlanDiff Compare(IReadOnlyList<PlannedStep> planned, IReadOnlyDictionary<string, StepRecord> recorded)
    {
        var changes = new List<StepChange>();
        var firstChange = -1;
        for (var i = 0; i < planned.Count; i++)
        {
            var kind = recorded.TryGetValue(planned[i].Id, out var record)
                ? record.Fingerprint == planned[i].Fingerprint ? (StepChangeKind?)null : StepChangeKind.Changed
                : StepChangeKind.Added;
            if (kind is { } k)
            {
                changes.Add(new StepChange(planned[i].Id, k));
                firstChange = firstChange < 0 ? i : firstChange;
            }
        }

        var plannedIds = planned.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        var removed = recorded.Values.Where(r => !plannedIds.Contains(r.Id)).OrderBy(r => r.Position).ToList();
        changes.AddRange(removed.Select(r => new StepChange(r.Id, StepChangeKind.Removed)));

        var invalidated = firstChange < 0
            ? []
            : planned.Skip(firstChange).Where(p => HasHistory(recorded, p.Id)).Select(p => p.Id).ToList();
        return new PlanDiff(changes, invalidated, [.. removed.Where(r => r.Status != StepStatus.Pending).Select(r => r.Id)]);
    }

    private static bool HasHistory(IReadOnlyDictionary<string, StepRecord> recorded, string id) =>
        recorded.TryGetValue(id, out var r) && (r.Status != StepStatus.Pending || r.Attempts > 0);
}
