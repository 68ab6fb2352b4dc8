using System.Text.Json.Nodes;

namespace Runbook.Steps.Verify.Rules;

/// <summary>
/// <c>counts</c>: per destination folder and the source folders mapped into it (merges summed), old count vs new
/// count. More on the new server is fine (new mail); fewer fails unless the ledger shows a person removed those copies.
/// </summary>
internal sealed class CountsRule : IVerifyRule
{
    public string Name => "counts";

    public bool IsOn(VerifySettings settings) => settings.Counts;

    public async Task<RuleResult> CheckAsync(VerifyRun run, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        var accounts = new JsonArray();
        foreach (var comparison in run.Comparisons)
        {
            // A refusal a person accepted (runbook accept) is short on purpose, like a copy a person removed.
            var refusedAccepted = (await run.Context.State.Ledger.ReadExceptionsAsync(comparison.Account, cancellationToken))
                .Where(e => e.Kind == Runbook.Engine.ExceptionKind.Refused && e.AcceptedBy is not null && e.ResolvedAt is null)
                .GroupBy(e => e.SourceFolder).ToDictionary(g => g.Key, g => g.Count());
            var account = comparison with
            {
                Counts = [.. comparison.Counts.Select(c => c with { RemovedByPerson = c.RemovedByPerson + c.Sources.Sum(s => refusedAccepted.GetValueOrDefault(s)) })],
            };
            if (account.Error is not null)
            {
                failures.Add($"{account.Account}: {account.Error}");
                accounts.Add(new JsonObject { ["account"] = account.Account, ["error"] = account.Error });
                continue;
            }

            failures.AddRange(account.Counts.Where(c => !c.Passed).Select(c =>
                $"{account.Account}: {string.Join(" + ", c.Sources)} → {c.Destination}: {c.SourceCount} on the old server, {c.DestinationCount} on the new" + (c.DestinationExists ? "" : " (folder missing)")));
            accounts.Add(new JsonObject
            {
                ["account"] = account.Account,
                ["folders"] = new JsonArray([.. account.Counts.Select(c => (JsonNode)new JsonObject
                {
                    ["sources"] = new JsonArray([.. c.Sources.Select(s => (JsonNode)s)]),
                    ["destination"] = c.Destination,
                    ["old"] = c.SourceCount,
                    ["new"] = c.DestinationCount,
                    ["removed_by_person"] = c.RemovedByPerson,
                    ["passed"] = c.Passed,
                })]),
            });
        }

        var folders = run.Comparisons.Sum(c => c.Counts.Count);
        var old = run.Comparisons.Sum(c => c.Counts.Sum(f => f.SourceCount));
        var @new = run.Comparisons.Sum(c => c.Counts.Sum(f => f.DestinationCount));
        var summary = $"{folders} folders of {run.Comparisons.Count} accounts: {VerifyEvidence.Count(old)} messages on the old server, {VerifyEvidence.Count(@new)} in the mapped folders on the new"
            + (failures.Count == 0 ? "" : $"; {failures.Count} short");
        return new RuleResult(Name, failures.Count == 0, summary, failures, new JsonObject { ["accounts"] = accounts });
    }
}
