using System.Text.Json.Nodes;
using Runbook.Engine;
using Runbook.Plan.Model;
using Runbook.Plan.Steps;

namespace Runbook.Steps.Report;

/// <summary>
/// Backups with their verification: per <c>mail.backup</c> step, per account and target, the latest run the step
/// journaled (what the target holds, what that run wrote, when, and what its verification found).
/// </summary>
internal static class ReportBackups
{
    public static JsonArray Build(RunbookPlan plan, IReadOnlyDictionary<string, StepRecord> steps, IReadOnlyList<JournalEntry> journal, Func<DateTimeOffset?, string?> time)
    {
        var result = new JsonArray();
        foreach (var step in plan.Steps.Where(s => s.Uses == StepKinds.Backup))
        {
            var latest = new Dictionary<string, (JournalEntry Entry, JsonObject Account)>(StringComparer.OrdinalIgnoreCase);
            foreach (var e in journal.Where(e => e.StepId == step.Id && e.Event == "effect" && e.Detail?["accounts"] is JsonArray))
            {
                foreach (var account in e.Detail!["accounts"]!.AsArray().OfType<JsonObject>())
                {
                    latest[account["account"]!.GetValue<string>()] = (e, account);
                }
            }

            var rows = new JsonArray();
            foreach (var (entry, account) in latest.Values.OrderBy(v => v.Account["account"]!.GetValue<string>(), StringComparer.Ordinal))
            {
                foreach (var target in account["targets"] is JsonArray t ? t.OfType<JsonObject>() : [])
                {
                    var verification = target["verification"] as JsonObject;
                    var problems = verification?["problems"]?.GetValue<int>() ?? 0;
                    rows.Add(new JsonObject
                    {
                        ["account"] = account["account"]!.DeepClone(),
                        ["target"] = target["id"]?.DeepClone(),
                        ["format"] = target["format"]?.DeepClone(),
                        // Runs before held_* was recorded only know what they wrote.
                        ["messages"] = (target["held_messages"] ?? target["messages"])?.DeepClone(),
                        ["bytes"] = (target["held_bytes"] ?? target["bytes"])?.DeepClone(),
                        ["written"] = target["messages"]?.DeepClone(),
                        ["at"] = time(entry.At),
                        ["verified"] = verification is not null,
                        ["passed"] = verification is not null && problems == 0 && account["error"] is null,
                        ["reread"] = verification?["reread"]?.DeepClone(),
                        ["problems"] = problems,
                        ["result"] = account["error"]?.DeepClone() ?? (verification is null ? null : problems == 0 ? "ok" : string.Join("; ", verification["listed"]!.AsArray().Select(p => p!.GetValue<string>()))),
                    });
                }
            }

            var record = steps.GetValueOrDefault(step.Id);
            result.Add(new JsonObject
            {
                ["step"] = step.Id,
                ["status"] = (record?.Status ?? StepStatus.Pending).ToString().ToLowerInvariant(),
                ["finished_at"] = time(record?.FinishedAt),
                ["verify"] = plan.BackupVerify,
                ["targets"] = new JsonArray([.. plan.BackupTargets.Select(t => (JsonNode)new JsonObject { ["id"] = t.Id, ["format"] = t.Format.ToString().ToLowerInvariant(), ["path"] = t.Path })]),
                ["accounts"] = rows,
            });
        }

        return result;
    }
}
