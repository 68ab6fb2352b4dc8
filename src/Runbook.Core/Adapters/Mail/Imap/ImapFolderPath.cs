using Runbook.Errors;

namespace Runbook.Adapters.Mail.Imap;

/// <summary>Translates a destination path written with '/' into the server's full name (namespace prefix and separator).</summary>
internal static class ImapFolderPath
{
    /// <summary>The server names of <paramref name="path"/> and each of its parents, outermost first.</summary>
    public static IReadOnlyList<string> WithParents(string path, MailNamespace ns)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0)
        {
            throw new StepFailedException("an empty folder path cannot be created", retryable: false);
        }
        foreach (var segment in segments)
        {
            if (segment.Contains(ns.Separator, StringComparison.Ordinal))
            {
                throw new StepFailedException($"folder name part '{segment}' of {path} contains the server's separator '{ns.Separator}': rename it in the plan's folder map", retryable: false);
            }
        }
        var inbox = segments[0].Equals("INBOX", StringComparison.OrdinalIgnoreCase);
        var root = inbox ? "INBOX" : ns.Prefix.Length == 0 ? null : ns.Prefix;
        var names = new List<string>(segments.Length);
        var current = root;
        foreach (var segment in inbox ? segments.Skip(1) : segments)
        {
            current = current is null ? segment : current + ns.Separator + segment;
            names.Add(current);
        }
        if (inbox && names.Count == 0)
        {
            names.Add("INBOX");
        }
        return names;
    }

    public static string ToServerName(string path, MailNamespace ns) => WithParents(path, ns)[^1];
}
