using System.Text.Json.Nodes;

namespace Runbook.Steps.Verify.Rules;

/// <summary>
/// <c>every_message</c>: every source message on the new server with the same bytes (SHA-256 as each server serves
/// them), flags, keywords and INTERNALDATE. Missing, altered, duplicated, changed and deleted-after-copy fail; moved
/// by a person (the ledger shows the copy) and extra mail on the new server are listed apart and do not.
/// </summary>
internal sealed class EveryMessageRule : IVerifyRule
{
    private static readonly (IssueKind Kind, string Key, string Words, bool Fails)[] Kinds =
    [
        (IssueKind.Missing, "missing", "missing", true),
        (IssueKind.Altered, "altered", "altered (other bytes)", true),
        (IssueKind.Duplicated, "duplicated", "duplicated", true),
        (IssueKind.AttributesDiffer, "attributes_differ", "with other flags, keywords or date", true),
        (IssueKind.DeletedAfterCopy, "deleted_after_copy", "deleted on the new server after they were copied (not lost in the move)", true),
        (IssueKind.MovedAfterCopy, "moved_after_copy", "moved to another folder by a person after they were copied", false),
        (IssueKind.Extra, "extra", "only on the new server (new mail)", false),
    ];

    public string Name => "every_message";

    public bool IsOn(VerifySettings settings) => settings.EveryMessage;

    public async Task<RuleResult> CheckAsync(VerifyRun run, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        var accounts = new JsonArray();
        var acceptedTotal = 0;
        foreach (var comparison in run.Comparisons)
        {
            // A message the new server refused or altered that a person accepted (runbook accept) is listed, not failed.
            var exceptions = await run.Context.State.Ledger.ReadExceptionsAsync(comparison.Account, cancellationToken);
            var accepted = exceptions.Where(e => e.AcceptedBy is not null).ToDictionary(e => (e.SourceFolder, e.SourceId), e => e);
            var account = comparison with { Issues = [.. comparison.Issues.Where(i => !IsAccepted(i, accepted))] };
            var acceptedHere = comparison.Issues.Where(i => IsAccepted(i, accepted)).ToList();
            acceptedTotal += acceptedHere.Count;
            if (account.Error is not null)
            {
                failures.Add($"{account.Account}: {account.Error}");
                accounts.Add(new JsonObject { ["account"] = account.Account, ["error"] = account.Error });
                continue;
            }

            var json = new JsonObject
            {
                ["account"] = account.Account,
                ["compared"] = account.Pop3 ? "INBOX by content (POP3 source)" : "content, flags, keywords, INTERNALDATE",
                ["source_messages"] = account.SourceMessages,
                ["matched"] = account.Matched,
            };
            json["accepted_exceptions"] = new JsonArray([.. acceptedHere.Select(i => (JsonNode)new JsonObject
            {
                ["folder"] = i.SourceFolder, ["uid"] = i.Message.SourceId, ["kind"] = accepted[(i.SourceFolder, i.Message.SourceId)].Kind.ToString().ToLowerInvariant(),
                ["accepted_by"] = accepted[(i.SourceFolder, i.Message.SourceId)].AcceptedBy, ["reason"] = accepted[(i.SourceFolder, i.Message.SourceId)].AcceptReason,
            })]);
            json["open_exceptions"] = exceptions.Count(e => e.Open);
            foreach (var (kind, key, words, fails) in Kinds)
            {
                var issues = account.Of(kind).ToList();
                json[key] = VerifyEvidence.List(issues, run.Settings.ListLimit);
                if (issues.Count > 0 && fails)
                {
                    failures.AddRange(issues.Take(run.Settings.ListLimit).Select(i => $"{account.Account}: {key.Replace('_', ' ')}: {VerifyEvidence.Line(i)}"));
                    if (issues.Count > run.Settings.ListLimit)
                    {
                        failures.Add($"{account.Account}: … and {VerifyEvidence.Count(issues.Count - run.Settings.ListLimit)} more {key.Replace('_', ' ')}");
                    }
                }
            }

            accounts.Add(json);
        }

        var total = run.Comparisons.Sum(c => c.SourceMessages);
        var matched = run.Comparisons.Sum(c => c.Matched);
        var side = Kinds.Where(k => !k.Fails).Select(k => (k.Words, N: run.Comparisons.Sum(c => c.Of(k.Kind).Count()))).Where(x => x.N > 0).Select(x => $"{VerifyEvidence.Count(x.N)} {x.Words}");
        var summary = $"{VerifyEvidence.Count(matched)} of {VerifyEvidence.Count(total)} old messages found on the new server byte for byte"
            + string.Concat(Kinds.Where(k => k.Fails).Select(k => (k.Words, N: run.Comparisons.Sum(c => c.Of(k.Kind).Count()))).Where(x => x.N > 0).Select(x => $"; {VerifyEvidence.Count(x.N)} {x.Words}"))
            + string.Concat(side.Select(s => $"; {s}"))
            + (acceptedTotal > 0 ? $"; {VerifyEvidence.Count(acceptedTotal)} refused or altered by the new server and accepted by a person" : "");
        return new RuleResult(Name, failures.Count == 0, summary, failures, new JsonObject { ["accounts"] = accounts });
    }

    private static bool IsAccepted(MessageIssue issue, IReadOnlyDictionary<(string, string), Runbook.Engine.MessageException> accepted) =>
        issue.Kind is IssueKind.Missing or IssueKind.Altered && accepted.ContainsKey((issue.SourceFolder, issue.Message.SourceId));
}
