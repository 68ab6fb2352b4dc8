using MailKit;
using Runbook.Lab.Corpus;

namespace Runbook.Tests.Lab;

[Collection("lab")]
public sealed class CorpusSeederTests(LabFixture fixture)
{
    [Fact]
    public async Task Given_small_profile_When_seeded_Then_IMAP_reads_back_exactly_the_manifest()
    {
        var lab = fixture.Lab;
        var token = LabClients.Timeout(120);
        var account = lab.NewAccount("seed");

        var manifest = await new CorpusSeeder(lab).SeedAsync(account, new CorpusOptions(CorpusProfile.Small, 42), token);

        using var client = await LabClients.ImapAsync(lab.Old.Imap, account, lab.Password, token);
        foreach (var expected in manifest.Folders)
        {
            var folder = await client.GetFolderAsync(expected.ServerName, token);
            await folder.OpenAsync(FolderAccess.ReadOnly, token);
            var summaries = await folder.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.Flags | MessageSummaryItems.InternalDate, token);
            var actual = new List<string>();
            foreach (var summary in summaries)
            {
                using var body = await folder.GetStreamAsync(summary.UniqueId, "", token);
                using var buffer = new MemoryStream();
                await body.CopyToAsync(buffer, token);
                actual.Add(Key(ServedBytes.Sha256(buffer.ToArray()), Flags(summary.Flags), summary.Keywords, summary.InternalDate!.Value));
            }
            var wanted = expected.Messages.Select(m => Key(m.Sha256, m.Flags, m.Keywords, m.InternalDate));
            Assert.Equal(wanted.Order(StringComparer.Ordinal), actual.Order(StringComparer.Ordinal));
        }
        Assert.Contains(manifest.Folders, f => f.ServerName == "INBOX.取引先.2024" && f.Count > 0);
        Assert.Contains(manifest.Folders, f => f.ServerName == "INBOX.送信済み" && f.Count > 0);
    }

    [Fact]
    public async Task Given_seeded_account_When_adding_new_mail_Then_folder_count_grows_by_exactly_that_many()
    {
        var lab = fixture.Lab;
        var token = LabClients.Timeout(120);
        var account = lab.NewAccount("delta");
        var options = new CorpusOptions(CorpusProfile.Small, 3);
        var manifest = await new CorpusSeeder(lab).SeedAsync(account, options, token);

        var added = await new CorpusSeeder(lab).AddAsync(account, new CorpusGenerator(options with { Seed = 4 }).More("Sent", 3), token);

        using var client = await LabClients.ImapAsync(lab.Old.Imap, account, lab.Password, token);
        var sent = await client.GetFolderAsync("INBOX.Sent", token);
        await sent.StatusAsync(StatusItems.Count, token);
        Assert.Equal(3, Assert.Single(added).Count);
        Assert.Equal(manifest.Folders.Single(f => f.Path == "Sent").Count + 3, sent.Count);
    }

    private static string Key(string sha, IEnumerable<string> flags, IEnumerable<string> keywords, DateTimeOffset date) =>
        $"{sha} [{string.Join(' ', flags.Order(StringComparer.Ordinal))}] [{string.Join(' ', keywords.Order(StringComparer.Ordinal))}] {date.ToUnixTimeSeconds()}";

    private static IEnumerable<string> Flags(MessageFlags? flags) =>
        new[] { MessageFlags.Seen, MessageFlags.Answered, MessageFlags.Flagged, MessageFlags.Deleted, MessageFlags.Draft }
            .Where(f => (flags ?? MessageFlags.None).HasFlag(f)).Select(f => f.ToString());
}
