using System.Security.Cryptography;
using Runbook.Adapters.Mail;
using Runbook.Adapters.Mail.Imap;
using Runbook.Adapters.Mail.Pop3;
using Runbook.Lab.Corpus;
using Runbook.Tests.Lab;

namespace Runbook.Tests.Adapters.Mail;

/// <summary>The adapters against the lab's seeded corpus, whose manifest holds the served bytes' SHA-256 as ground truth.</summary>
[Collection("lab")]
[Trait("Category", "Lab")]
public sealed class CorpusLabTests(LabFixture fixture)
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly MailLab _lab = new(fixture.Lab);

    [Fact]
    public async Task Given_the_small_corpus_When_read_by_the_imap_source_and_copied_to_new_Then_every_sha_flag_keyword_and_date_matches_the_manifest()
    {
        var login = _lab.NewLogin("corpus");
        var manifest = await new CorpusSeeder(fixture.Lab).SeedAsync(login.User, new CorpusOptions(CorpusProfile.Small, 11), None);
        await using var source = await ImapMailSource.ConnectAsync(_lab.Old("imap"), login, None);
        await using var destination = await ImapMailDestination.ConnectAsync(_lab.New("imap"), login, None);
        var stored = 0;

        foreach (var folder in manifest.Folders)
        {
            var read = await ReadAllAsync(source, folder.ServerName);
            Assert.Equal(Expected(folder.Messages), read.Select(r => Describe(r.Sha, r.Message)).Order(StringComparer.Ordinal));
            await destination.EnsureFolderAsync(folder.Path, None);
            var items = read.Select(r => new AppendItem
            {
                Source = r.Message, Size = r.Bytes.Length, OpenContent = () => new MemoryStream(r.Bytes),
                Flags = r.Message.Flags, Keywords = r.Message.Keywords, InternalDate = r.Message.InternalDate,
            }).ToList();
            stored += (await destination.AppendAsync(folder.Path, items, None)).Count(r => r.Status == AppendStatus.Stored);
        }

        Assert.Equal(manifest.Count, stored);
        await using var check = await ImapMailSource.ConnectAsync(_lab.New("imap"), login, None);
        foreach (var folder in manifest.Folders)
        {
            var copied = await ReadAllAsync(check, ImapFolderPath.ToServerName(folder.Path, new MailNamespace("", '/')));
            Assert.Equal(Expected(folder.Messages), copied.Select(r => Describe(r.Sha, r.Message)).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task Given_an_inbox_only_corpus_When_read_over_pop3_Then_every_message_matches_the_manifest_sha()
    {
        var login = _lab.NewLogin("pop");
        var options = new CorpusOptions(CorpusProfile.Small, 12, InboxOnly: true);
        var manifest = await new CorpusSeeder(fixture.Lab).SeedAsync(login.User, options, None);
        await using var pop3 = await Pop3MailSource.ConnectAsync(_lab.Old("pop3"), login, None);

        var read = await ReadAllAsync(pop3, "INBOX");

        // Dovecot's POP3 serves NUL bytes as stored where its IMAP serves 0x80 (ServedBytes); bare LF becomes CRLF in both.
        var expected = new CorpusGenerator(options).Generate().Select(m => Convert.ToHexStringLower(SHA256.HashData(Pop3Served(m.Bytes))));
        var inbox = Assert.Single(manifest.Folders);
        Assert.Equal(expected.Order(StringComparer.Ordinal), read.Select(r => r.Sha).Order(StringComparer.Ordinal));
        Assert.Equal(inbox.Messages.Where(m => !m.Label.StartsWith("binary", StringComparison.Ordinal)).Select(m => m.Sha256).Order(StringComparer.Ordinal),
            read.Where(r => !r.Bytes.Contains((byte)0)).Select(r => r.Sha).Order(StringComparer.Ordinal));
        Assert.Equal(inbox.Messages.Count(m => m.MessageId is not null), read.Count(r => r.Message.MessageId is not null));
    }

    private static async Task<List<(SourceMessage Message, byte[] Bytes, string Sha)>> ReadAllAsync(IMailSource source, string folder)
    {
        var result = new List<(SourceMessage, byte[], string)>();
        foreach (var message in await source.ListMessagesAsync(folder, 0, None))
        {
            using var buffer = new MemoryStream();
            await source.CopyRawAsync(folder, message, buffer, None);
            var bytes = buffer.ToArray();
            result.Add((message, bytes, Convert.ToHexStringLower(SHA256.HashData(bytes))));
        }
        return result;
    }

    private static byte[] Pop3Served(byte[] stored)
    {
        var served = new List<byte>(stored.Length + 64);
        for (var i = 0; i < stored.Length; i++)
        {
            if (stored[i] == (byte)'\n' && (i == 0 || stored[i - 1] != (byte)'\r'))
            {
                served.Add((byte)'\r');
            }
            served.Add(stored[i]);
        }
        return [.. served];
    }

    private static IEnumerable<string> Expected(IEnumerable<ManifestMessage> messages) =>
        messages.Select(m => $"{m.Sha256} {m.Size} {Join(m.Flags.Select(f => f.TrimStart('\\')))} {Join(m.Keywords)} {m.InternalDate.ToUnixTimeSeconds()}")
            .Order(StringComparer.Ordinal);

    private static string Describe(string sha, SourceMessage m) =>
        $"{sha} {m.Size} {Join(m.Flags)} {Join(m.Keywords)} {m.InternalDate?.ToUnixTimeSeconds()}";

    private static string Join(IEnumerable<string> values) => string.Join(',', values.Order(StringComparer.Ordinal));
}
