using Runbook.Engine.Accounts;
using Runbook.Plan.Model;

namespace Runbook.Engine;

internal sealed partial class PlanRunner
{
    /// <summary>
    /// One step's accounts: every selected account's fingerprint, those the step already did for that fingerprint
    /// (settled), those it did for an earlier definition (changed), and those it has not done at all (open).
    /// </summary>
    private sealed record AccountView(
        IReadOnlyDictionary<string, string> Fingerprints, IReadOnlySet<string> Settled, IReadOnlyList<string> Changed)
    {
        public IReadOnlyList<string> Open => [.. Fingerprints.Keys.Where(a => !Settled.Contains(a)).Order(StringComparer.Ordinal)];
    }

    private static async Task<AccountView?> AccountsAsync(RunbookPlan plan, StepDefinition step, IStepKind kind, IStateStore? store, CancellationToken cancellationToken)
    {
        if (kind.Accounts == AccountScope.None)
        {
            return null;
        }

        var fingerprints = AccountSelection.Select(plan, step).ToDictionary(a => a.Email, AccountSelection.Fingerprint, StringComparer.OrdinalIgnoreCase);
        var settled = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var changed = new List<string>();
        if (kind.Accounts == AccountScope.EachOnce && store is not null)
        {
            foreach (var row in await store.GetStepAccountsAsync(step.Id, cancellationToken))
            {
                if (!row.Done || !fingerprints.TryGetValue(row.Account, out var current))
                {
                    continue;
                }

                if (current == row.Fingerprint)
                {
                    settled.Add(row.Account);
                }
                else
                {
                    changed.Add(row.Account);
                }
            }
        }

        return new AccountView(fingerprints, settled, changed);
    }

    /// <summary>Accounts whose definition changed since a step did them: "step: account" lines, for the plan-change refusal.</summary>
    private static async Task<IReadOnlyList<string>> ChangedAccountsAsync(RunbookPlan plan, IReadOnlyDictionary<string, IStepKind> kinds, IStateStore? store, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        foreach (var step in plan.Steps)
        {
            if (await AccountsAsync(plan, step, kinds[step.Id], store, cancellationToken) is { } view)
            {
                lines.AddRange(view.Changed.Select(a => $"{step.Id}: {a}"));
            }
        }

        return lines;
    }

    /// <summary>
    /// A done per-account step with accounts it has not done (added to the plan, or changed and accepted) runs again
    /// for those alone; the steps after it keep their state and their approvals.
    /// </summary>
    private async Task ReopenAsync(RunbookPlan plan, IReadOnlyDictionary<string, IStepKind> kinds, IStateStore store, CancellationToken cancellationToken)
    {
        var records = await store.GetStepsAsync(cancellationToken);
        foreach (var step in plan.Steps)
        {
            // Only kinds done once per account reopen; an every-pass kind (delta sync) that is done has ended its window.
            if (records[step.Id].Status != StepStatus.Done || kinds[step.Id].Accounts != AccountScope.EachOnce
                || await AccountsAsync(plan, step, kinds[step.Id], store, cancellationToken) is not { } view || view.Open.Count == 0)
            {
                continue;
            }

            var message = $"step {step.Id} reopens for {view.Open.Count} account(s) it has not done: {string.Join(", ", view.Open)}";
            await store.ReopenAsync(step.Id, view.Changed, message, cancellationToken);
            observer.Notice(message);
        }
    }
}
