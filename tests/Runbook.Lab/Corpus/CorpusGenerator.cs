namespace Runbook.Lab.Corpus;

/// <summary>Generates a deterministic corpus: the same options give the same bytes, flags and dates.</summary>
internal sealed partial class CorpusGenerator
{
    /// <summary>Every folder of the corpus as '/' paths, parents before children.</summary>
    public static readonly IReadOnlyList<string> Folders =
        ["INBOX", "Sent", "Drafts", "Trash", "Spam", "送信済み", "取引先", "取引先/2024", "Archive", "Archive/2019"];

    /// <summary>The 15 folders of the <c>many</c> profile, parents before children.</summary>
    public static readonly IReadOnlyList<string> ManyFolders =
        [.. Folders, "Projects", "Projects/Alpha", "Receipts", "Newsletters", "Family"];

    /// <summary>Messages per account in the <c>many</c> profile.</summary>
    public const int ManyMessagesPerAccount = 20;

    /// <summary>The folders an account of this profile holds.</summary>
    public static IReadOnlyList<string> FoldersOf(CorpusProfile profile) => profile == CorpusProfile.Many ? ManyFolders : Folders;

    private static readonly string[] Keywords = ["$Forwarded", "$Label1", "Project-X", "$MDNSent"];
    private static readonly DateTimeOffset Oldest = new(2014, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // Where ordinary messages go in bench: INBOX-heavy like real mailboxes.
    private static readonly (string Folder, int Weight)[] Spread =
        [("INBOX", 40), ("Sent", 20), ("Archive/2019", 14), ("取引先/2024", 10), ("送信済み", 5), ("Archive", 1),
         ("Drafts", 2), ("Trash", 4), ("Spam", 4)];

    private readonly CorpusOptions options;
    private readonly Random random;
    private int sequence;

    public CorpusGenerator(CorpusOptions options)
    {
        this.options = options;
#pragma warning disable CA5394 // Seeded on purpose: the corpus must be reproducible, not unpredictable.
        random = new Random(options.Seed);
#pragma warning restore CA5394
    }

    /// <summary>Messages per account in the bench profile (10,000 over the default four accounts).</summary>
    public const int BenchMessagesPerAccount = 2_500;

    public IReadOnlyList<CorpusMessage> Generate()
    {
        if (options.Profile == CorpusProfile.Many)
        {
            // Round robin, so every folder holds mail (the per-folder cost is what this profile measures).
            var many = Enumerable.Range(0, ManyMessagesPerAccount).Select(i => Ordinary(ManyFolders[i % ManyFolders.Count])).ToList();
            return options.InboxOnly ? [.. many.Select(m => m with { Folder = "INBOX" })] : many;
        }
        var messages = new List<CorpusMessage>(Oddities());
        var large = options.Profile == CorpusProfile.Small ? new[] { 1_500_000, 3_000_000 } : [1_000_000, 2_000_000, 4_000_000];
        messages.AddRange(large.Select((size, i) => Attachment(i == 0 ? "INBOX" : "取引先/2024", "multi-mb", size)));
        if (options.IncludeHuge)
        {
            // 22 MB of data is a 30 MB message once base64-encoded in 76-column lines.
            messages.Add(Attachment("INBOX", "huge-30mb", 22_000_000));
        }
        var ordinary = options.Profile == CorpusProfile.Small ? 40 : BenchMessagesPerAccount - messages.Count;
        for (var i = 0; i < ordinary; i++)
        {
            messages.Add(Ordinary(PickFolder()));
        }
        return options.InboxOnly ? [.. messages.Select(m => m with { Folder = "INBOX" })] : messages;
    }

    /// <summary>More ordinary messages for one folder, e.g. mail that reaches the old server after a first sync.</summary>
    public IReadOnlyList<CorpusMessage> More(string folder, int count) =>
        [.. Enumerable.Range(0, count).Select(_ => Ordinary(folder))];

    private string PickFolder()
    {
        if (options.Profile == CorpusProfile.Small)
        {
            return Folders[random.Next(Folders.Count)];
        }
        var ticket = random.Next(Spread.Sum(s => s.Weight));
        foreach (var (folder, weight) in Spread)
        {
            if ((ticket -= weight) < 0)
            {
                return folder;
            }
        }
        return "INBOX";
    }

    private CorpusMessage Ordinary(string folder)
    {
        var date = DateIn(folder);
        var id = NextMessageId();
        // Mostly small text, sometimes a document attached: sizes like a real mailbox (2 KB - 200 KB).
        if (random.Next(10) == 0)
        {
            return Attachment(folder, "attachment", random.Next(20_000, 200_000));
        }
        var body = MessageText.Sentences(random, random.Next(500, 20_000));
        var text = MessageText.Headers(Person(), Person(), $"Re: {Subject()}", date.AddMinutes(-random.Next(5)), id,
            "Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n") + "\r\n" + body;
        return Message(folder, "plain", MessageText.Ascii(text), date, id);
    }

    private CorpusMessage Attachment(string folder, string label, int size)
    {
        var date = DateIn(folder);
        var id = NextMessageId();
        var data = new byte[size];
        random.NextBytes(data);
        var text = MessageText.Headers(Person(), Person(), $"{Subject()} ({size / 1024} KB)", date, id,
            "Content-Type: multipart/mixed; boundary=\"b1\"\r\n") +
            "\r\n--b1\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nSee attached.\r\n" +
            $"--b1\r\nContent-Type: application/pdf; name=\"doc{sequence}.pdf\"\r\nContent-Transfer-Encoding: base64\r\n" +
            $"Content-Disposition: attachment; filename=\"doc{sequence}.pdf\"\r\n\r\n{MessageText.Base64Lines(data)}--b1--\r\n";
        return Message(folder, label, MessageText.Ascii(text), date, id);
    }

    private CorpusMessage Message(string folder, string label, byte[] bytes, DateTimeOffset date, string? messageId,
        IReadOnlyList<string>? flags = null, IReadOnlyList<string>? keywords = null) =>
        new(folder, label, bytes, flags ?? RandomFlags(folder), keywords ?? RandomKeywords(folder), date, messageId);

    private List<string> RandomFlags(string folder)
    {
        var flags = new List<string>();
        if (folder is "Sent" or "送信済み" || random.Next(10) < 7)
        {
            flags.Add("Seen");
        }
        if (random.Next(5) == 0)
        {
            flags.Add("Answered");
        }
        if (random.Next(10) == 0)
        {
            flags.Add("Flagged");
        }
        if (folder == "Drafts")
        {
            flags.Add("Draft");
        }
        return flags;
    }

    private List<string> RandomKeywords(string folder)
    {
        var keywords = random.Next(4) == 0 ? new List<string> { Keywords[random.Next(Keywords.Length)] } : [];
        if (folder == "Spam")
        {
            keywords.Add("$Junk");
        }
        return keywords;
    }

    private DateTimeOffset DateIn(string folder)
    {
        var (from, days) = folder switch
        {
            "Archive/2019" => (new DateTimeOffset(2019, 1, 1, 0, 0, 0, TimeSpan.Zero), 365),
            "取引先/2024" => (new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero), 366),
            _ => (Oldest, 11 * 365),
        };
        // Whole seconds: Maildir keeps INTERNALDATE as the file's mtime, and IMAP shows seconds.
        return from.AddSeconds(random.NextInt64((long)days * 86_400));
    }

    private string NextMessageId() => $"<{++sequence}.{random.Next():x8}@mail.example.jp>";

    private string Person() => $"user{random.Next(1, 60)}@example.{(random.Next(2) == 0 ? "com" : "jp")}";

    private string Subject() => $"{(random.Next(2) == 0 ? "Quarterly" : "Weekly")} report {random.Next(1000)}";
}
