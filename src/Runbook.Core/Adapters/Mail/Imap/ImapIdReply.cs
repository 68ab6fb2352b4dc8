using Runbook.Adapters.Mail.Raw;

namespace Runbook.Adapters.Mail.Imap;

/// <summary>
/// Reads the untagged reply to <c>ID NIL</c> (RFC 2971) into "name version", e.g. "Cyrus IMAPD 3.6.1-Debian-3.6.1-4+deb12u5".
/// Read by Runbook itself: MailKit throws and drops the connection on an ID reply it cannot parse, and ID is only a label.
/// </summary>
internal static class ImapIdReply
{
    public static ServerIdentity Parse(IReadOnlyList<string> untagged)
    {
        var line = untagged.FirstOrDefault(l => l.StartsWith("* ID ", StringComparison.OrdinalIgnoreCase));
        if (line is null)
        {
            return new ServerIdentity(null);
        }

        var tokens = ImapReplyTokens.Of(line, "ID");
        if (tokens is [{ IsNil: true }])
        {
            return new ServerIdentity(null);
        }
        if (tokens is null || tokens.Count < 2 || tokens[0].Kind != ImapTokenKind.Open || tokens[^1].Kind != ImapTokenKind.Close || (tokens.Count - 2) % 2 != 0)
        {
            return Unreadable(line);
        }

        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 1; i < tokens.Count - 1; i += 2)
        {
            if (tokens[i].Kind != ImapTokenKind.Quoted || tokens[i + 1].Kind is ImapTokenKind.Open or ImapTokenKind.Close)
            {
                return Unreadable(line);
            }
            if (!tokens[i + 1].IsNil) fields.TryAdd(tokens[i].Text, tokens[i + 1].Text);
        }

        var software = string.Join(' ', new[] { "name", "version" }.Select(fields.GetValueOrDefault).OfType<string>());
        return new ServerIdentity(software.Length == 0 ? null : software);
    }

    private static ServerIdentity Unreadable(string line) =>
        new(null, $"the server's ID reply could not be read: {(line.Length <= 120 ? line : line[..117] + "...")}");
}
