using System.Text.Json.Nodes;
using Runbook.Steps.Mail;

namespace Runbook.Steps.MailBackup;

/// <summary>How a backup run is told: one summary line, a line per account and target, outputs and journal entries.</summary>
internal static class BackupReport
{
    /// <summary>Counts files written (a message kept in two targets counts twice), and says how they split over the targets.</summary>
    public static string Summary(IReadOnlyList<AccountBackupResult> results, bool dryRun)
    {
        var perTarget = results.SelectMany(r => r.Targets).GroupBy(t => t.Id, StringComparer.Ordinal)
            .Select(g => (Id: g.Key, Messages: g.Sum(t => dryRun ? t.Planned : t.Written))).ToList();
        var messages = perTarget.Sum(t => t.Messages);
        var bytes = results.Sum(r => r.Targets.Sum(t => dryRun ? t.PlannedBytes : t.WrittenBytes));
        var split = perTarget.Select(t => t.Messages).Distinct().Count() <= 1
            ? $"{perTarget.FirstOrDefault().Messages} in each of {perTarget.Count} target(s)"
            : string.Join(", ", perTarget.Select(t => $"{t.Id} {t.Messages}"));
        return $"{(dryRun ? "write" : "wrote")} {messages} message files ({MigrationReport.Bytes(bytes)}) of {results.Count} account(s): {split}";
    }

    public static IReadOnlyList<string> Details(IReadOnlyList<AccountBackupResult> results, bool dryRun)
    {
        var lines = new List<string>();
        foreach (var result in results.OrderBy(r => r.Account, StringComparer.Ordinal))
        {
            if (result.Error is not null)
            {
                lines.Add($"{result.Account}: FAILED: {result.Error}");
                continue;
            }

            lines.Add($"{result.Account}: {result.Folders} folder(s), {result.ServerMessages} message(s) on the server" + (result.Gone > 0 ? $", {result.Gone} gone since the last run (kept)" : ""));
            foreach (var target in result.Targets)
            {
                var free = target.FreeBytes is { } f ? $", {MigrationReport.Bytes(f)} free" : "";
                lines.Add(dryRun
                    ? $"  {target.Id} ({target.Format}, {target.Root}): would write {target.Planned} message(s) ({MigrationReport.Bytes(target.PlannedBytes)}){free}"
                    : $"  {target.Id} ({target.Format}, {target.Root}): wrote {target.Written} message(s) ({MigrationReport.Bytes(target.WrittenBytes)})");
            }

            lines.AddRange(result.VerifyProblems.Select(p => $"  verify: {p}"));
        }

        return lines;
    }

    public static string? Failure(AccountBackupResult result) =>
        result.Error ?? (result.VerifyProblems.Count > 0
            ? $"verification found {result.VerifyProblems.Count} problem(s): {string.Join("; ", result.VerifyProblems.Take(20))}"
            : null);

    public static string Journal(AccountBackupResult result) =>
        $"backed up {result.Targets.Sum(t => t.Written)} message(s) ({MigrationReport.Bytes(result.Targets.Sum(t => t.WrittenBytes))}) of {result.Account} to {string.Join(", ", result.Targets.Select(t => t.Id))}" +
        (result.Failed ? "; FAILED" : "");

    public static JsonObject Outputs(IReadOnlyList<AccountBackupResult> results, bool verified) => new()
    {
        ["accounts"] = new JsonArray([.. results.Select(r => (JsonNode)new JsonObject
        {
            ["account"] = r.Account,
            ["folders"] = r.Folders,
            ["server_messages"] = r.ServerMessages,
            ["gone"] = r.Gone,
            ["verified"] = verified && r.VerifyProblems.Count == 0 && r.Error is null,
            ["error"] = Failure(r),
            ["targets"] = new JsonArray([.. r.Targets.Select(t => (JsonNode)new JsonObject
            {
                ["id"] = t.Id, ["format"] = t.Format, ["messages"] = t.Written, ["bytes"] = t.WrittenBytes,
                ["held_messages"] = t.HeldMessages, ["held_bytes"] = t.HeldBytes,
                ["verified"] = t.Verification is { Problems.Count: 0 },
                ["verification"] = t.Verification is not { } v ? null : new JsonObject
                {
                    ["reread"] = v.Reread,
                    ["problems"] = v.Problems.Count,
                    ["listed"] = new JsonArray([.. v.Problems.Take(20).Select(p => (JsonNode)p)]),
                },
            })]),
        })]),
        ["messages"] = results.Sum(r => r.Targets.Sum(t => t.Written)),
        ["bytes"] = results.Sum(r => r.Targets.Sum(t => t.WrittenBytes)),
    };
}
