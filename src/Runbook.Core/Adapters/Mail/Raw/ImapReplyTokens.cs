using System.Text;

namespace Runbook.Adapters.Mail.Raw;

internal enum ImapTokenKind { Atom, Quoted, Open, Close }

/// <summary>One token of a response line: an atom (NIL and numbers included), a quoted string (unescaped), or a parenthesis.</summary>
internal readonly record struct ImapToken(ImapTokenKind Kind, string Text)
{
    public bool IsNil => Kind == ImapTokenKind.Atom && Text.Equals("NIL", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// Splits an untagged response line into tokens, for the few optional replies Runbook reads itself (QUOTA, ID)
/// because MailKit throws and drops the connection on valid forms it does not expect. Literals arrive as "" (see
/// <see cref="RawImapConnection.ReadResponseLineAsync"/>).
/// </summary>
internal static class ImapReplyTokens
{
    /// <summary>The tokens after "* NAME ", or null when the line is not that response or is not well formed.</summary>
    public static IReadOnlyList<ImapToken>? Of(string line, string name)
    {
        var prefix = $"* {name} ";
        return line.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? Split(line[prefix.Length..]) : null;
    }

    public static IReadOnlyList<ImapToken>? Split(string text)
    {
        var tokens = new List<ImapToken>();
        var depth = 0;
        for (var i = 0; i < text.Length;)
        {
            var c = text[i];
            if (c == ' ')
            {
                i++;
            }
            else if (c is '(' or ')')
            {
                depth += c == '(' ? 1 : -1;
                if (depth < 0) return null;
                tokens.Add(new ImapToken(c == '(' ? ImapTokenKind.Open : ImapTokenKind.Close, c.ToString()));
                i++;
            }
            else if (c == '"')
            {
                var quoted = new StringBuilder();
                for (i++; i < text.Length && text[i] != '"'; i++)
                {
                    if (text[i] == '\\' && i + 1 < text.Length) i++;
                    quoted.Append(text[i]);
                }
                if (i >= text.Length) return null; // unterminated
                tokens.Add(new ImapToken(ImapTokenKind.Quoted, quoted.ToString()));
                i++;
            }
            else
            {
                var end = text.IndexOfAny([' ', '(', ')', '"'], i);
                end = end < 0 ? text.Length : end;
                tokens.Add(new ImapToken(ImapTokenKind.Atom, text[i..end]));
                i = end;
            }
        }
        return depth == 0 ? tokens : null;
    }
}
