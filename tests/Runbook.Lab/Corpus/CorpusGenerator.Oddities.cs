using System.Text;

namespace Runbook.Lab.Corpus;

/// <summary>The real-world messages that break naive migrations; every profile carries each of them once.</summary>
internal sealed partial class CorpusGenerator
{
    private IEnumerable<CorpusMessage> Oddities()
    {
        string Plain(string extra = "") => "Content-Type: text/plain; charset=us-ascii\r\n" + extra;
        byte[] Ascii(string s) => MessageText.Ascii(s);
        CorpusMessage Text(string folder, string label, string subject, string body, bool withId = true,
            IReadOnlyList<string>? flags = null, IReadOnlyList<string>? keywords = null)
        {
            var date = DateIn(folder);
            var id = withId ? NextMessageId() : null;
            var text = MessageText.Headers(Person(), Person(), subject, date, id, Plain()) + "\r\n" + body;
            return Message(folder, label, Ascii(text), date, id, flags, keywords);
        }

        yield return Text("INBOX", "no-message-id", "No Message-ID at all", "Some clients never add one.\r\n", withId: false);
        yield return Text("Drafts", "draft-no-message-id", "Unfinished draft", "Drafts often lack an ID.\r\n", withId: false, flags: ["Draft"]);
        yield return Text("Drafts", "draft-no-message-id", "Another draft", "Same subject line twice?\r\n", withId: false, flags: ["Draft", "Seen"]);

        var shared = NextMessageId();
        foreach (var (label, body) in new[] { ("shared-message-id-a", "First of two."), ("shared-message-id-b", "Second, different body.") })
        {
            var date = DateIn("INBOX");
            var text = MessageText.Headers(Person(), Person(), "Two messages, one Message-ID", date, shared, Plain()) + "\r\n" + body + "\r\n";
            yield return Message("INBOX", label, Ascii(text), date, shared);
        }

        yield return Text("INBOX", "keywords-and-flags", "Flagged with keywords", "Custom keywords must survive.\r\n",
            flags: ["Seen", "Answered", "Flagged"], keywords: ["$Label1", "Project-X", "$Forwarded"]);
        yield return Text("Spam", "junk", "You won!", "Classic spam.\r\n", keywords: ["$Junk"]);

        yield return Japanese("INBOX", "iso-2022-jp", MessageText.Jis, "ISO-2022-JP", "7bit");
        yield return Japanese("送信済み", "shift-jis", MessageText.ShiftJis, "Shift_JIS", "8bit");
        yield return Japanese("Sent", "utf-8-8bit", Encoding.UTF8, "UTF-8", "8bit");

        var latin1 = Encoding.Latin1.GetBytes("Grüße aus Köln, déjà vu: 8-bit Latin-1 body.\r\n");
        yield return Raw("INBOX", "latin1-8bit", MessageText.Ascii(Head("8-bit Latin-1",
            "Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n") + "\r\n"), latin1);

        // Raw binary part: NUL, lone CR and LF included on purpose (Dovecot serves NUL as 0x80, LF as CRLF).
        var blob = new byte[4096];
        random.NextBytes(blob);
        yield return Raw("取引先/2024", "binary-attachment", Ascii(Head("Binary attachment",
            "Content-Type: multipart/mixed; boundary=\"bin\"\r\n") +
            "\r\n--bin\r\nContent-Type: text/plain\r\n\r\nBinary below.\r\n--bin\r\n" +
            "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n"), blob, Ascii("\r\n--bin--\r\n"));

        yield return Raw("INBOX", "no-final-newline", Ascii(Head("No final newline", Plain()) + "\r\nThe last line has no CRLF."));
        yield return Raw("INBOX", "bare-lf", Ascii(Head("Bare LF", Plain()).Replace("\r\n", "\n", StringComparison.Ordinal) +
            "\nWritten by a Unix tool:\nevery line ends in LF only.\n"));
        yield return Raw("INBOX", "mbox-from-line", Ascii("From sender@example.com Mon Jan  6 10:00:00 2020\r\n" +
            Head("Leading mbox From line", Plain()) + "\r\nExported from an mbox file.\r\n"));
        yield return Raw("INBOX", "bom", [0xEF, 0xBB, 0xBF], Ascii(Head("Starts with a BOM", Plain()) + "\r\nSaved by an editor.\r\n"));
        yield return Raw("INBOX", "broken-mime-unterminated", Ascii(Head("Broken MIME: no closing boundary",
            "Content-Type: multipart/alternative; boundary=\"never-closed\"\r\n") +
            "\r\n--never-closed\r\nContent-Type: text/plain\r\n\r\nThe closing delimiter is missing.\r\n"));
        yield return Raw("Trash", "broken-mime-no-boundary", Ascii(Head("Broken MIME: multipart without boundary",
            "Content-Type: multipart/mixed\r\nContent-Transfer-Encoding: quoted-printable\r\n") + "\r\nNot=ZZ valid =\r\nQP either.\r\n"));
    }

    private string Head(string subject, string extra) =>
        MessageText.Headers(Person(), Person(), subject, DateIn("INBOX"), NextMessageId(), extra);

    /// <summary>A message from raw parts; its date and Message-ID are read back from the header written by Head.</summary>
    private CorpusMessage Raw(string folder, string label, params byte[][] parts)
    {
        var bytes = MessageText.Concat(parts);
        var text = Encoding.Latin1.GetString(bytes);
        var at = text.IndexOf("Message-ID: ", StringComparison.Ordinal);
        var id = text[(at + 12)..text.IndexOf('>', at)] + ">";
        return Message(folder, label, bytes, DateIn(folder), id);
    }

    private CorpusMessage Japanese(string folder, string label, Encoding encoding, string charset, string transfer)
    {
        var date = DateIn(folder);
        var id = NextMessageId();
        var subject = MessageText.EncodedWord("お見積りの件（" + label + "）", encoding, charset);
        var head = MessageText.Headers(MessageText.EncodedWord("山田太郎", encoding, charset) + " <yamada@example.jp>", Person(), subject, date, id,
            $"Content-Type: text/plain; charset={charset}\r\nContent-Transfer-Encoding: {transfer}\r\n");
        var body = encoding.GetBytes("いつもお世話になっております。\r\n取引先各位、ご確認ください。\r\n");
        return Message(folder, label, MessageText.Concat(MessageText.Ascii(head + "\r\n"), body), date, id);
    }
}
