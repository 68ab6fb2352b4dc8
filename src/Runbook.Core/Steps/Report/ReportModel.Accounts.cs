using System.Text.Json.Nodes;
using Runbook.Engine;

namespace Runbook.Steps.Report;

/// <summary>Per account: the copy ledger's counts and folder mapping, its exceptions and its failed steps; then the totals and problems.</summary>
internal sealed partial class ReportModel
{
    private async Task<JsonArray> AccountsAsync(IReadOnlyList<MessageException> exceptions, IReadOnlyList<StepAccountRecord> stepAccounts, CancellationToken cancellationToken)
    {
        var byAccount = exceptions.ToLookup(e => e.Account, StringComparer.OrdinalIgnoreCase);
        var errors = stepAccounts.Where(a => a.Error is not null).ToLookup(a => a.Account, StringComparer.OrdinalIgnoreCase);
        var result = new JsonArray();
        foreach (var account in plan.Accounts)
        {
            var ledger = store is null ? [] : await store.ReadLedgerAsync(account.Email, cancellationToken);
            result.Add(new JsonObject
            {
                ["email"] = account.Email,
                ["groups"] = string.Join(", ", account.Groups),
                ["messages"] = ledger.Count,
                ["bytes"] = ledger.Sum(e => e.Size),
                ["copied"] = ledger.Count(e => e.How == LedgerHow.Copied),
                ["matched"] = ledger.Count(e => e.How == LedgerHow.Matched),
                ["altered"] = ledger.Count(e => e.How == LedgerHow.Altered),
                ["repaired"] = ledger.Count(e => e.How == LedgerHow.Repaired),
                ["folders"] = new JsonArray([.. ledger.GroupBy(e => (e.SourceFolder, e.DestinationFolder)).OrderBy(g => g.Key.SourceFolder, StringComparer.Ordinal)
                    .Select(g => (JsonNode)new JsonObject
                    {
                        ["source"] = g.Key.SourceFolder,
                        ["destination"] = g.Key.DestinationFolder,
                        ["messages"] = g.Count(),
                        ["bytes"] = g.Sum(e => e.Size),
                        ["copied"] = g.Count(e => e.How is LedgerHow.Copied or LedgerHow.Repaired),
                        ["already_there"] = g.Count(e => e.How == LedgerHow.Matched),
                    })]),
                ["exceptions"] = new JsonArray([.. byAccount[account.Email].Select(e => (JsonNode)Exception(e))]),
                ["errors"] = new JsonArray([.. errors[account.Email].Select(e => (JsonNode)new JsonObject { ["step"] = e.StepId, ["error"] = e.Error })]),
            });
        }

        return result;
    }

    private JsonObject Exception(MessageException e) => new()
    {
        ["id"] = e.Id,
        ["kind"] = e.Kind.ToString().ToLowerInvariant(),
        ["folder"] = e.SourceFolder,
        ["source_id"] = e.SourceId,
        ["reason"] = e.Reason,
        ["size"] = e.Size,
        ["where"] = e.Where,
        ["status"] = e.ResolvedAt is not null ? "resolved" : e.AcceptedBy is not null ? "accepted" : "open",
        ["last_seen"] = Time(e.LastSeen),
        ["accepted_by"] = e.AcceptedBy,
        ["accepted_at"] = Time(e.AcceptedAt),
        ["accept_reason"] = e.AcceptReason,
    };

    private static JsonObject Totals(JsonArray steps, JsonArray accounts, IReadOnlyList<MessageException> exceptions)
    {
        // Counts are ints and byte sums longs in the nodes; JsonValue does not widen one into the other by itself.
        long Sum(string key) => accounts.Sum(a => a![key]!.AsValue().TryGetValue<long>(out var l) ? l : a[key]!.GetValue<int>());
        int Steps(string status) => steps.Count(s => (string)s!["status"]! == status);
        return new JsonObject
        {
            ["steps"] = steps.Count,
            ["done"] = Steps("done"),
            ["failed"] = Steps("failed"),
            ["waiting"] = Steps("waiting"),
            ["running"] = Steps("running"),
            ["pending"] = Steps("pending"),
            ["accounts"] = accounts.Count,
            ["messages"] = Sum("messages"),
            ["bytes"] = Sum("bytes"),
            ["copied"] = Sum("copied"),
            ["matched"] = Sum("matched"),
            ["altered"] = Sum("altered"),
            ["repaired"] = Sum("repaired"),
            ["exceptions_open"] = exceptions.Count(e => e.Open),
            ["exceptions_accepted"] = exceptions.Count(e => e.AcceptedBy is not null),
            ["exceptions_resolved"] = exceptions.Count(e => e.ResolvedAt is not null),
        };
    }

    /// <summary>Errors (what still needs a person) and warnings (what went wrong and recovered, or is weaker than it should be).</summary>
    private JsonArray Problems(IReadOnlyDictionary<string, StepRecord> steps, IReadOnlyList<JournalEntry> journal, IReadOnlyList<StepAccountRecord> stepAccounts, IReadOnlyList<MessageException> exceptions, IReadOnlyList<Notify.OutboxEntry> unsent)
    {
        var result = new JsonArray();
        void Add(string level, string? step, string? account, string message) =>
            result.Add(new JsonObject { ["level"] = level, ["step"] = step, ["account"] = account, ["message"] = message });

        foreach (var r in steps.Values.Where(r => r.Status == StepStatus.Failed).OrderBy(r => r.Position))
        {
            Add("error", r.Id, null, r.Error ?? "failed");
        }

        foreach (var a in stepAccounts.Where(a => a.Error is not null))
        {
            Add("error", a.StepId, a.Account, a.Error!);
        }

        foreach (var e in exceptions.Where(e => e.Open))
        {
            Add("error", e.StepId, e.Account, $"{e.Kind.ToString().ToLowerInvariant()}: {e.SourceFolder} {e.SourceId}: {e.Reason}");
        }

        // Event mail kept in the outbox: the move is fine, but someone has not been told yet.
        foreach (var u in unsent)
        {
            Add("warning", null, null, $"notification {u.Rule} ({u.Event}) not sent yet, kept since {Time(u.KeptAt)}: \"{u.Subject}\" to {string.Join(", ", u.To)}; sent at the next apply");
        }

        // A failure the step later recovered from still belongs in the customer's trail.
        foreach (var e in journal.Where(e => e.Event is "failed" or "retry" && e.StepId is not null && steps.GetValueOrDefault(e.StepId)?.Status != StepStatus.Failed))
        {
            Add("warning", e.StepId, null, $"{Time(e.At)}: {e.Message}");
        }

        return result;
    }
}
