using System.Text;
using Runbook.Adapters.Mail;
using Runbook.Tests.Adapters.Mail;

namespace Runbook.Tests.Steps.Mail.Lab;

/// <summary>
/// A small corpus seeded byte-exactly onto the old server (Courier style): nested Japanese folders, localized
/// special-use names, flags, keywords, dates over years, no Message-ID twice, one id shared by two messages, and the
/// awkward ones (no final newline, bare LF, mbox From line, BOM).
/// </summary>
internal static class LabCorpus
{
    /// <summary>Old folder path ('/') → where the migration must put it on the new server.</summary>
    public static readonly IReadOnlyDictionary<string, string> Expected = new Dictionary<string, string>
    {
        ["INBOX"] = "INBOX",
        ["Sent"] = "Sent",
        ["送信済みアイテム"] = "Sent",
        ["下書き"] = "Drafts",
        ["ごみ箱"] = "Trash",
        ["取引先"] = "取引先",
        ["取引先/2024"] = "取引先/2024",
    };

    public static async Task<int> SeedAsync(MailLab lab, MailLogin login, int perFolder = 3)
    {
        var endpoint = lab.Old("imap");
        var count = 0;
        var year = 2015;
        foreach (var folder in Expected.Keys)
        {
            var items = new List<AppendItem>();
            for (var i = 0; i < perFolder; i++)
            {
                var date = new DateTimeOffset(year++ % 10 + 2015, 1 + i % 12, 3, 4, 5, 6, TimeSpan.FromHours(9));
                var content = MailLabMessages.Crlf($"{folder} {i} 日本語", $"{Guid.NewGuid():N}@old.test");
                items.Add(MailLabMessages.Item(content, i % 2 == 0 ? ["Seen"] : ["Seen", "Flagged"], i % 3 == 0 ? ["$Label1", "取引"] : [], date));
            }

            if (folder == "INBOX")
            {
                var noId = Encoding.ASCII.GetBytes("From: a@old.test\r\nSubject: no id\r\nDate: Mon, 01 Jan 2018 00:00:00 +0000\r\n\r\nsame\r\n");
                items.Add(MailLabMessages.Item(noId, ["Seen"]));
                items.Add(MailLabMessages.Item(noId, ["Seen"]));
                items.Add(MailLabMessages.Item(MailLabMessages.Crlf("shared A", "shared@old.test")));
                items.Add(MailLabMessages.Item(MailLabMessages.Crlf("shared B", "shared@old.test"), ["Answered"]));
                items.Add(MailLabMessages.Item(MailLabMessages.NoFinalNewline));
                items.Add(MailLabMessages.Item(MailLabMessages.BareLf));
                items.Add(MailLabMessages.Item(MailLabMessages.LeadingFrom));
                items.Add(MailLabMessages.Item(MailLabMessages.Bom));
            }

            await MailLabMessages.SeedAsync(endpoint, login, folder, items);
            count += items.Count;
        }

        return count;
    }
}
