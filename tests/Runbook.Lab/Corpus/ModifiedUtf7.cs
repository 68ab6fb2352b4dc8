using System.Text;

namespace Runbook.Lab.Corpus;

/// <summary>IMAP modified UTF-7 (RFC 3501 5.1.3), which Dovecot also uses for Maildir folder names on disk.</summary>
internal static class ModifiedUtf7
{
    public static string Encode(string name)
    {
        var result = new StringBuilder();
        var run = new StringBuilder();
        foreach (var c in name)
        {
            if (c is >= ' ' and <= '~')
            {
                Flush(result, run);
                result.Append(c == '&' ? "&-" : c.ToString());
            }
            else
            {
                run.Append(c);
            }
        }
        Flush(result, run);
        return result.ToString();
    }

    private static void Flush(StringBuilder result, StringBuilder run)
    {
        if (run.Length == 0)
        {
            return;
        }
        var base64 = Convert.ToBase64String(Encoding.BigEndianUnicode.GetBytes(run.ToString()));
        result.Append('&').Append(base64.TrimEnd('=').Replace('/', ',')).Append('-');
        run.Clear();
    }
}
