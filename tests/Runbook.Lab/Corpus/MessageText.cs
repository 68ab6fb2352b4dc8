using System.Globalization;
using System.Text;

namespace Runbook.Lab.Corpus;

/// <summary>Builds RFC 5322 message bytes: headers, body, line ends chosen by the caller.</summary>
internal static class MessageText
{
    private static readonly string[] Words =
        ["migration", "mailbox", "invoice", "meeting", "schedule", "server", "budget", "quarter", "report",
         "customer", "contract", "delivery", "weekly", "update", "please", "review", "attached", "thanks"];

    static MessageText() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static Encoding Jis => Encoding.GetEncoding("iso-2022-jp");
    public static Encoding ShiftJis => Encoding.GetEncoding("shift_jis");

    public static string RfcDate(DateTimeOffset when) =>
        when.ToString("ddd, dd MMM yyyy HH:mm:ss ", CultureInfo.InvariantCulture) + when.ToString("zzz", CultureInfo.InvariantCulture).Replace(":", "", StringComparison.Ordinal);

    /// <summary>An RFC 2047 B encoded-word in the given charset.</summary>
    public static string EncodedWord(string text, Encoding encoding, string charset) =>
        $"=?{charset}?B?{Convert.ToBase64String(encoding.GetBytes(text))}?=";

    public static string Sentences(Random random, int approximateBytes)
    {
        var text = new StringBuilder();
        var line = new StringBuilder();
        while (text.Length + line.Length < approximateBytes)
        {
            line.Append(Words[random.Next(Words.Length)]).Append(' ');
            if (line.Length > 66)
            {
                text.Append(line.ToString().TrimEnd()).Append("\r\n");
                line.Clear();
            }
        }
        return text.Append(line.ToString().TrimEnd()).Append("\r\n").ToString();
    }

    /// <summary>Base64 in 76-column lines, as mail clients write attachments.</summary>
    public static string Base64Lines(byte[] data)
    {
        var base64 = Convert.ToBase64String(data);
        var text = new StringBuilder(base64.Length + (base64.Length / 38));
        for (var i = 0; i < base64.Length; i += 76)
        {
            text.Append(base64, i, Math.Min(76, base64.Length - i)).Append("\r\n");
        }
        return text.ToString();
    }

    public static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    public static string Headers(string from, string to, string subject, DateTimeOffset date, string? messageId, string extra = "")
    {
        var id = messageId is null ? "" : $"Message-ID: {messageId}\r\n";
        return $"From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: {RfcDate(date)}\r\n{id}MIME-Version: 1.0\r\n{extra}";
    }
}
