using System.Globalization;
using System.Text.Json.Nodes;
using Runbook.Engine;

namespace Runbook.Cli.Commands;

/// <summary>The messages the new server refused or altered, as <c>status</c> shows them (text and JSON).</summary>
internal static class StatusExceptions
{
    public static JsonArray Json(IReadOnlyList<MessageException> exceptions) =>
        new([.. exceptions.Select(e => (JsonNode)new JsonObject
        {
            ["id"] = e.Id,
            ["kind"] = e.Kind.ToString().ToLowerInvariant(),
            ["account"] = e.Account,
            ["folder"] = e.SourceFolder,
            ["uid"] = e.SourceId,
            ["size"] = e.Size,
            ["reason"] = e.Reason,
            ["where"] = e.Where,
            ["step"] = e.StepId,
            ["state"] = State(e),
            ["firstSeen"] = Time(e.FirstSeen),
            ["lastSeen"] = Time(e.LastSeen),
            ["resolvedAt"] = Time(e.ResolvedAt),
            ["accepted"] = e.AcceptedBy is null ? null : new JsonObject { ["by"] = e.AcceptedBy, ["at"] = Time(e.AcceptedAt), ["reason"] = e.AcceptReason },
        })]);

    public static void Print(CliConsole console, string path, IReadOnlyList<MessageException> exceptions)
    {
        if (exceptions.Count == 0)
        {
            return;
        }

        var open = exceptions.Where(e => e.Open).ToList();
        console.Line(
            $"messages refused or altered by the new server: {open.Count} open, {exceptions.Count(e => e.AcceptedBy is not null)} accepted, {exceptions.Count(e => e.ResolvedAt is not null && e.AcceptedBy is null)} resolved",
            open.Count > 0 ? "yellow" : null);
        foreach (var e in exceptions.Where(e => e.ResolvedAt is null))
        {
            console.Line($"  {e.Id} {e.Kind.ToString().ToLowerInvariant(),-7} {e.Account} {e.SourceFolder} UID {e.SourceId}: {e.Reason}" + (e.Where is { } w ? $" [{w}]" : ""));
            if (e.AcceptedBy is not null)
            {
                console.Line($"      accepted by {e.AcceptedBy} at {Time(e.AcceptedAt)}: {e.AcceptReason}");
            }
        }

        if (open.Count > 0)
        {
            console.Line($"a later pass retries refused ones; to live with one: runbook accept {path} {open[0].StepId} --message {open[0].Id} --reason \"...\"");
        }
    }

    private static string State(MessageException e) => e.AcceptedBy is not null ? "accepted" : e.ResolvedAt is not null ? "resolved" : "open";

    private static string? Time(DateTimeOffset? time) => time?.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
