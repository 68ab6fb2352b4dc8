using System.Text;

namespace Runbook.Adapters.Mail.Raw;

/// <summary>IMAP's modified UTF-7 for mailbox names (RFC 3501 §5.1.3): "Cartório" is sent as "Cart&amp;APM-rio".</summary>
internal static class ModifiedUtf7
{
    public static string Encode(string name)
    {
        var result = new StringBuilder(name.Length + 8);
        var pending = new StringBuilder();
        foreach (var c in name)
        {
            if (c is >= '\x20' and <= '\x7e')
            {
                Flush(result, pending);
                result.Append(c == '&' ? "&-" : c.ToString());
            }
            else
            {
                pending.Append(c);
            }
        }
        Flush(result, pending);
        return result.ToString();
    }

    public static string Decode(string encoded)
    {
        var result = new StringBuilder(encoded.Length);
        for (var i = 0; i < encoded.Length; i++)
        {
            if (encoded[i] != '&')
            {
                result.Append(encoded[i]);
                continue;
            }
            var end = encoded.IndexOf('-', i + 1);
            if (end < 0)
            {
                throw new FormatException($"unterminated modified UTF-7 in mailbox name {encoded}");
            }
            if (end == i + 1)
            {
                result.Append('&');
            }
            else
            {
                var base64 = encoded[(i + 1)..end].Replace(',', '/');
                base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
                result.Append(Encoding.BigEndianUnicode.GetString(Convert.FromBase64String(base64)));
            }
            i = end;
        }
        return result.ToString();
    }

    private static void Flush(StringBuilder result, StringBuilder pending)
    {
        if (pending.Length == 0)
        {
            return;
        }
        var base64 = Convert.ToBase64String(Encoding.BigEndianUnicode.GetBytes(pending.ToString())).TrimEnd('=').Replace('/', ',');
        result.Append('&').Append(base64).Append('-');
        pending.Clear();
    }
}
