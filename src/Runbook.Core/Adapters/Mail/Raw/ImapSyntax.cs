using System.Globalization;
using System.Text;

namespace Runbook.Adapters.Mail.Raw;

/// <summary>Formatting of the IMAP command arguments the raw appender sends (RFC 3501 grammar).</summary>
internal static class ImapSyntax
{
    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    private static readonly HashSet<string> SystemFlags = new(["Seen", "Answered", "Flagged", "Deleted", "Draft"], StringComparer.OrdinalIgnoreCase);

    /// <summary>A mailbox name as a quoted string, non-ASCII in modified UTF-7; "INBOX" in any case means the inbox.</summary>
    public static string Mailbox(string name) => Quoted(ModifiedUtf7.Encode(name));

    public static string Quoted(string ascii)
    {
        var builder = new StringBuilder(ascii.Length + 2).Append('"');
        foreach (var c in ascii)
        {
            if (c is '\r' or '\n' or '\0' or > '\x7e')
            {
                throw new ArgumentException("a quoted IMAP string cannot hold CR, LF, NUL or 8-bit characters", nameof(ascii));
            }
            if (c is '"' or '\\')
            {
                builder.Append('\\');
            }
            builder.Append(c);
        }
        return builder.Append('"').ToString();
    }

    /// <summary>"dd-MMM-yyyy HH:mm:ss +zzzz" with a space-padded day, keeping the original offset.</summary>
    public static string DateTime(DateTimeOffset value)
    {
        var offset = value.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        var abs = offset.Duration();
        return string.Create(CultureInfo.InvariantCulture,
            $"\"{value.Day,2}-{Months[value.Month - 1]}-{value.Year:D4} {value.Hour:D2}:{value.Minute:D2}:{value.Second:D2} {sign}{abs.Hours:D2}{abs.Minutes:D2}\"");
    }

    /// <summary>A flag list: system flags get their backslash, keywords go as atoms. Returns null for no flags.</summary>
    public static string? FlagList(IEnumerable<string> flags, IEnumerable<string> keywords)
    {
        var parts = flags.Where(SystemFlags.Contains).Select(f => "\\" + f).Concat(keywords).ToList();
        return parts.Count == 0 ? null : "(" + string.Join(' ', parts) + ")";
    }

    public static bool IsSystemFlag(string flag) => SystemFlags.Contains(flag);

    /// <summary>True when <paramref name="keyword"/> can be sent as an IMAP atom (no specials, controls, 8-bit or leading backslash).</summary>
    public static bool IsValidKeyword(string keyword) =>
        keyword.Length > 0 && keyword.All(c => c is > '\x20' and < '\x7f' && "(){%*\"\\]".IndexOf(c, StringComparison.Ordinal) < 0);
}
