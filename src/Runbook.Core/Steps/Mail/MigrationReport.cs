using System.Globalization;
using System.Text.Json.Nodes;

namespace Runbook.Steps.Mail;

/// <summary>Turns a pass's results into preview lines, step outputs and a failure message. No secrets ever reach these.</summary>
internal static class MigrationReport
{
    public static string Summary(IReadOnlyList<AccountResult> results, bool dryRun)
    {
        var folders = results.SelectMany(r => r.Folders).ToList();
        var deleted = folders.Sum(f => f.Deleted);
        var kept = (deleted == 0 ? "" : $", {Count(deleted)} deleted or moved on the new server since copied (not copied again)")
            + (folders.Count(f => f.Unchanged) is > 0 and var unchanged ? $"; {Count(unchanged)} of {Count(folders.Count)} folders unchanged since the last pass (not read)" : "");
        return dryRun
            ? $"copy {Count(folders.Sum(f => f.Missing))} messages ({Bytes(folders.Sum(f => f.MissingBytes))}) in {folders.Count(f => f.Missing > 0)} folders of {results.Count} accounts{kept}"
            : $"copied {Count(folders.Sum(f => f.Copied))} messages ({Bytes(folders.Sum(f => f.CopiedBytes))}) for {results.Count} accounts; " +
              $"{Count(folders.Sum(f => f.Present))} already there, {results.Sum(r => r.Rejections.Count)} refused" +
              (folders.Sum(f => f.Altered) is > 0 and var altered ? $", {Count(altered)} altered by the new server" : "") +
              (folders.Sum(f => f.Repaired) is > 0 and var repaired ? $", {Count(repaired)} repaired before copying" : "") + kept;
    }

    /// <summary>Per account and folder: the mapping and what is (or would be) copied.</summary>
    public static IReadOnlyList<string> Details(IReadOnlyList<AccountResult> results, bool dryRun)
    {
        var lines = new List<string>();
        foreach (var account in results)
        {
            lines.Add(account.Error is null ? account.Account : $"{account.Account}: FAILED {account.Error}");
            lines.AddRange(account.Problems.Select(p => $"  problem: {p}"));
            foreach (var folder in account.Folders)
            {
                var route = account.Routes.FirstOrDefault(r => r.Source == folder.Source);
                var how = route is null ? "" : $" ({route.Reason.ToString().ToLowerInvariant()})";
                var what = folder.Error is not null ? $"FAILED {folder.Error}"
                    : dryRun ? $"{Count(folder.Missing)} to copy ({Bytes(folder.MissingBytes)}), {Count(folder.Present)} already there"
                    : $"{Count(folder.Copied)} copied ({Bytes(folder.CopiedBytes)}), {Count(folder.Present)} already there" + (folder.Rejected > 0 ? $", {folder.Rejected} refused" : "");
                what += folder.Deleted > 0 ? $", {Count(folder.Deleted)} deleted or moved on the new server (not copied again)" : "";
                what += folder.Unchanged ? " (unchanged since the last pass, not read)" : "";
                lines.Add($"  {folder.Source} → {folder.Destination}{how}: {what}");
            }

            lines.AddRange(account.Rejections.Select(r => $"  refused: {r.Folder} UID {r.SourceId} ({Bytes(r.Size)}): {r.Reason}"));
            lines.AddRange(account.Alterations.Select(a => $"  altered: {a.Folder} UID {a.SourceId} → {a.Destination} UID {a.DestinationUid}: {a.What}"));
            lines.AddRange(account.Dropped.Select(d => $"  copied without {string.Join(" ", d.Keywords)}: {d.Folder} UID {d.SourceId}"));
        }

        return lines;
    }

    public static JsonObject Outputs(IReadOnlyList<AccountResult> results) => new()
    {
        ["copied"] = results.SelectMany(r => r.Folders).Sum(f => f.Copied),
        ["copied_bytes"] = results.SelectMany(r => r.Folders).Sum(f => f.CopiedBytes),
        ["already_present"] = results.SelectMany(r => r.Folders).Sum(f => f.Present),
        ["deleted_on_destination"] = results.SelectMany(r => r.Folders).Sum(f => f.Deleted),
        ["accounts"] = new JsonArray([.. results.Select(Account)]),
        ["rejections"] = new JsonArray([.. results.SelectMany(r => r.Rejections).Select(r => (JsonNode)new JsonObject
        {
            ["account"] = r.Account, ["folder"] = r.Folder, ["uid"] = r.SourceId, ["size"] = r.Size, ["reason"] = r.Reason,
        })]),
        ["altered"] = new JsonArray([.. results.SelectMany(r => r.Alterations).Select(a => (JsonNode)new JsonObject
        {
            ["account"] = a.Account, ["folder"] = a.Folder, ["uid"] = a.SourceId, ["size"] = a.Size, ["destination"] = a.Destination,
            ["destination_uid"] = a.DestinationUid, ["server"] = a.Software, ["what"] = a.What,
        })]),
        ["repaired"] = new JsonArray([.. results.SelectMany(r => r.Repairs).Select(r => (JsonNode)new JsonObject
        {
            ["account"] = r.Account, ["folder"] = r.Folder, ["uid"] = r.SourceId, ["original"] = r.Original,
            ["changes"] = new JsonArray([.. r.Changes.Select(c => (JsonNode)c)]),
        })]),
        ["dropped_keywords"] = new JsonArray([.. results.SelectMany(r => r.Dropped).Select(d => (JsonNode)new JsonObject
        {
            ["account"] = d.Account, ["folder"] = d.Folder, ["uid"] = d.SourceId, ["keywords"] = new JsonArray([.. d.Keywords.Select(k => (JsonNode)k)]),
        })]),
    };

    /// <summary>Why the pass failed, one line per account or folder; null when it did not.</summary>
    public static string? Failure(IReadOnlyList<AccountResult> results)
    {
        var lines = new List<string>();
        foreach (var account in results.Where(r => r.Failed))
        {
            if (account.Error is not null)
            {
                lines.Add($"{account.Account}: {account.Error}");
            }

            lines.AddRange(account.Problems.Select(p => $"{account.Account}: {p}"));
            lines.AddRange(account.Folders.Where(f => f.Error is not null).Select(f => $"{account.Account} {f.Source}: {f.Error}"));
        }

        return lines.Count == 0 ? null : string.Join(Environment.NewLine, lines);
    }

    private static JsonNode Account(AccountResult r) => new JsonObject
    {
        ["account"] = r.Account,
        ["error"] = r.Error,
        ["matched_by_content_only"] = r.ContentMatchOnly,
        ["folders"] = new JsonArray([.. r.Folders.Select(f => (JsonNode)new JsonObject
        {
            ["source"] = f.Source, ["destination"] = f.Destination, ["listed"] = f.Listed, ["present"] = f.Present,
            ["copied"] = f.Copied, ["bytes"] = f.CopiedBytes, ["rejected"] = f.Rejected, ["altered"] = f.Altered, ["deleted_on_destination"] = f.Deleted, ["error"] = f.Error,
        })]),
    };

    public static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0.#} MB"),
    };
}
