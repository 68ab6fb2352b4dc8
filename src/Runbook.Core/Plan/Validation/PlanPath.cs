using System.Text.RegularExpressions;

namespace Runbook.Plan.Validation;

/// <summary>Display paths such as <c>servers.old.imap.port</c>, <c>steps[2].uses</c>, <c>folders.map["INBOX.Sent"]</c>.</summary>
internal static partial class PlanPath
{
    public static string Key(string parent, string key)
    {
        var segment = Identifier().IsMatch(key) ? key : $"[\"{key.Replace("\"", "\\\"", StringComparison.Ordinal)}\"]";
        if (parent.Length == 0) return segment.StartsWith('[') ? "$" + segment : segment;
        return segment.StartsWith('[') ? parent + segment : parent + "." + segment;
    }

    public static string Index(string parent, int index) => $"{(parent.Length == 0 ? "$" : parent)}[{index}]";

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_-]*$")]
    private static partial Regex Identifier();
}
