using System.Globalization;
using MailKit;
using Runbook.Adapters.Mail.Raw;

namespace Runbook.Adapters.Mail.Imap;

/// <summary>
/// Reads NAMESPACE and LIST replies from a raw connection into the same records MailKit's listing gives
/// (<see cref="ImapNamespaces"/>): names decoded from modified UTF-7, "INBOX" in any case as INBOX, a trailing
/// separator dropped from the namespace prefix, special-use attributes in any case.
/// </summary>
internal static class ImapListReply
{
    private static readonly Dictionary<string, FolderAttributes> Attributes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["\\Noselect"] = FolderAttributes.NoSelect,
        ["\\NonExistent"] = FolderAttributes.NonExistent,
        ["\\Sent"] = FolderAttributes.Sent,
        ["\\Drafts"] = FolderAttributes.Drafts,
        ["\\Trash"] = FolderAttributes.Trash,
        ["\\Junk"] = FolderAttributes.Junk,
        ["\\Archive"] = FolderAttributes.Archive,
        ["\\All"] = FolderAttributes.All,
        ["\\Flagged"] = FolderAttributes.Flagged,
    };

    /// <summary>The first personal namespace of a NAMESPACE reply, or null when there is none (or the reply cannot be read).</summary>
    public static MailNamespace? PersonalNamespace(IEnumerable<string> untagged)
    {
        var tokens = untagged.Select(l => ImapReplyTokens.Of(l, "NAMESPACE")).FirstOrDefault(t => t is not null);
        if (tokens is not [{ Kind: ImapTokenKind.Open }, { Kind: ImapTokenKind.Open }, { Kind: ImapTokenKind.Quoted } prefix, var separator, ..]
            || SeparatorOf(separator) is not { } sep || Decode(prefix.Text) is not { } decoded)
        {
            return null;
        }

        return new MailNamespace(decoded.Length > 0 && decoded[^1] == sep ? decoded[..^1] : decoded, sep);
    }

    /// <summary>
    /// One "* LIST (attributes) separator name" line as a folder, or null when it cannot be read here: a name sent as a
    /// literal arrives empty (see <see cref="RawImapConnection.ReadResponseLineAsync"/>), so the caller must list again another way.
    /// </summary>
    public static SourceFolder? Folder(string line)
    {
        if (Parts(line) is not var (tokens, close, separator)
            || tokens.Count < close + 3
            || tokens[close + 2] is not { Kind: ImapTokenKind.Atom or ImapTokenKind.Quoted, Text.Length: > 0 } name
            || Decode(name.Text) is not { } decoded)
        {
            return null;
        }

        var attributes = FolderAttributes.None;
        foreach (var token in tokens.Take(close).Skip(1))
        {
            attributes |= Attributes.GetValueOrDefault(token.Text);
        }

        return new SourceFolder(
            decoded.Equals("INBOX", StringComparison.OrdinalIgnoreCase) ? "INBOX" : decoded,
            separator,
            !attributes.HasFlag(FolderAttributes.NoSelect) && !attributes.HasFlag(FolderAttributes.NonExistent),
            ImapSourceMapping.SpecialUse(attributes));
    }

    /// <summary>
    /// One "* STATUS name (UIDVALIDITY n UIDNEXT n MESSAGES n …)" line: the folder's name decoded (null when it came as a
    /// literal and cannot be read here) and its status; null when the line is no such reply or lacks one of the three.
    /// </summary>
    public static (string? Name, FolderStatus Status)? Status(string line)
    {
        if (ImapReplyTokens.Of(line, "STATUS") is not { Count: >= 3 } tokens
            || tokens[0] is not { Kind: ImapTokenKind.Atom or ImapTokenKind.Quoted } name
            || tokens[1].Kind != ImapTokenKind.Open || tokens[^1].Kind != ImapTokenKind.Close)
        {
            return null;
        }

        var values = new Dictionary<string, ulong>(StringComparer.OrdinalIgnoreCase);
        for (var i = 2; i + 1 < tokens.Count - 1; i += 2)
        {
            if (ulong.TryParse(tokens[i + 1].Text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                values[tokens[i].Text] = value;
            }
        }

        if (!values.TryGetValue("UIDVALIDITY", out var validity) || !values.TryGetValue("UIDNEXT", out var next) || !values.TryGetValue("MESSAGES", out var messages)
            || validity > uint.MaxValue || next > uint.MaxValue || messages > int.MaxValue)
        {
            return null;
        }

        var decoded = name.Text.Length == 0 ? null : Decode(name.Text);
        return (decoded is not null && decoded.Equals("INBOX", StringComparison.OrdinalIgnoreCase) ? "INBOX" : decoded,
            new FolderStatus((uint)validity, (uint)next, (int)messages, null));
    }

    /// <summary>The separator a "* LIST" line names, its name aside: the reply to <c>LIST "" ""</c> names the root's, with an empty name.</summary>
    public static char? Separator(string line) => Parts(line)?.Separator;

    /// <summary>"* LIST (attributes) separator …" split: the tokens, where the attribute list closes, and the separator.</summary>
    private static (IReadOnlyList<ImapToken> Tokens, int Close, char Separator)? Parts(string line)
    {
        var tokens = ImapReplyTokens.Of(line, "LIST");
        var close = tokens?.ToList().FindIndex(t => t.Kind == ImapTokenKind.Close) ?? -1;
        return tokens is { Count: > 0 } && tokens[0].Kind == ImapTokenKind.Open && close > 0 && tokens.Count > close + 1
            && SeparatorOf(tokens[close + 1]) is { } separator
                ? (tokens, close, separator)
                : null;
    }

    /// <summary>A hierarchy separator: one quoted character, or NIL (a flat server) as '\0', as MailKit has it.</summary>
    private static char? SeparatorOf(ImapToken token) =>
        token.IsNil ? '\0' : token is { Kind: ImapTokenKind.Quoted, Text.Length: 1 } ? token.Text[0] : null;

    private static string? Decode(string encoded)
    {
        try
        {
            return ModifiedUtf7.Decode(encoded);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
