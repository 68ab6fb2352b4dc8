namespace Runbook.Plan.Validation;

/// <summary>Display paths such as <c>servers.old.imap.port</c>, <c>steps[2].uses</c>, <c>folders.map["INBOX.Sent"]</c>.</summary>
internal static class PlanPath
{
    public static string Key(string parent, string key)
    {
        if (IsIdentifier(key)) return parent.Length == 0 ? key : string.Concat(parent, ".", key);
        var quoted = $"[\"{key.Replace("\"", "\\\"", StringComparison.Ordinal)}\"]";
        return (parent.Length == 0 ? "$" : parent) + quoted;
    }

    /// <summary>
    /// True for a path inside a secret reference: messages there never quote the value, because a person who
    /// wrote <c>env: hunter2</c> may have put the password itself where the variable's name belongs.
    /// </summary>
    public static bool IsSecret(string path) =>
        path.Contains(".password", StringComparison.Ordinal) || path.Contains(".secret", StringComparison.Ordinal);

    public static string Index(string parent, int index) => $"{(parent.Length == 0 ? "$" : parent)}[{index}]";

    // A plain loop: this runs for every node of plans with thousands of accounts, where a regex showed in profiles.
    private static bool IsIdentifier(string key)
    {
        if (key.Length == 0 || !(char.IsAsciiLetter(key[0]) || key[0] == '_')) return false;
        foreach (var c in key)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-')) return false;
        }
        return true;
    }
}
