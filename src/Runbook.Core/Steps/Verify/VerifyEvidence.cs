using System.Globalization;
using System.Text.Json.Nodes;

namespace Runbook.Steps.Verify;

/// <summary>Evidence as JSON and text: decoded sender and subject, dates in UTC, lists cut at the limit with the full count kept.</summary>
internal static class VerifyEvidence
{
    public static JsonObject List(IEnumerable<MessageIssue> issues, int limit)
    {
        var all = issues.ToList();
        return new JsonObject
        {
            ["count"] = all.Count,
            ["listed"] = new JsonArray([.. all.Take(limit).Select(i => (JsonNode)Message(i))]),
        };
    }

    public static JsonObject Message(MessageIssue issue)
    {
        var m = issue.Message;
        var json = new JsonObject
        {
            ["folder"] = issue.SourceFolder.Length > 0 ? issue.SourceFolder : null,
            ["destination"] = issue.DestinationFolder,
            ["uid"] = m.SourceId,
            ["date"] = Iso(m.ShownDate),
            ["from"] = m.Headline.From,
            ["subject"] = m.Headline.Subject,
            ["size"] = m.Size,
            ["sha256"] = m.Sha256,
        };
        if (issue.Detail is not null)
        {
            json["detail"] = issue.Detail;
        }

        return json;
    }

    /// <summary>The line a person reads: <c>INBOX UID 7, 2024-03-01, "Alice" &lt;a@x&gt;: Subject (detail)</c>.</summary>
    public static string Line(MessageIssue issue)
    {
        var m = issue.Message;
        var where = issue.SourceFolder.Length > 0 ? $"{issue.SourceFolder} UID {m.SourceId}" : $"{issue.DestinationFolder} UID {m.SourceId}";
        var date = m.ShownDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "no date";
        return $"{where}, {date}, {m.Headline.From ?? "no sender"}: {m.Headline.Subject ?? "(no subject)"}" + (issue.Detail is null ? "" : $" ({issue.Detail})");
    }

    public static string? Iso(DateTimeOffset? at) => at?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
