using Runbook.Adapters.Mail.Imap;
using Runbook.Adapters.Mail.Pop3;
using static Runbook.Tests.Adapters.Mail.MailLabMessages;

using Runbook.Tests.Lab;

namespace Runbook.Tests.Adapters.Mail;

[Collection("lab")]
[Trait("Category", "Lab")]
public sealed class Pop3LabTests(LabFixture fixture)
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly MailLab _lab = new(fixture.Lab);

    [Fact]
    public async Task Given_messages_in_the_inbox_When_read_over_pop3_Then_uidls_sizes_identities_and_bytes_match_imap()
    {
        var login = _lab.NewLogin();
        await SeedAsync(_lab.Old("imap"), login, "INBOX", [Item(Crlf("one", "one@x")), Item(DotLines), Item(NoFinalNewline), Item(Crlf("no id"))]);
        var imapBodies = await BodiesAsync(_lab.Old("imap"), login, "INBOX");
        await using var imap = await ImapMailSource.ConnectAsync(_lab.Old("imap"), login, None);
        var imapMessages = await imap.ListMessagesAsync("INBOX", 0, None);

        await using var pop3 = await Pop3MailSource.ConnectAsync(_lab.Old("pop3"), login, None);
        var folders = await pop3.ListFoldersAsync(None);
        var messages = await pop3.ListMessagesAsync("INBOX", 0, None);
        var bodies = new List<byte[]>();
        foreach (var message in messages)
        {
            using var bytes = new MemoryStream();
            await pop3.CopyRawAsync("INBOX", message, bytes, None);
            bodies.Add(bytes.ToArray());
        }

        Assert.Equal("INBOX", Assert.Single(folders).FullName);
        Assert.Equal(4, messages.Count);
        Assert.Equal(4, messages.Select(m => m.SourceId).Distinct().Count());
        Assert.All(messages, m => Assert.Empty(m.Flags));
        Assert.Equal(bodies.Select(b => (long)b.Length), messages.Select(m => m.Size));
        Assert.Equal(imapBodies.Values.Select(Sha).Order(), bodies.Select(Sha).Order());
        Assert.Equal(imapMessages.Select(m => m.HeaderDigest).Order(), messages.Select(m => m.HeaderDigest).Order());
        Assert.Contains(messages, m => m.MessageId == "one@x");
    }

    [Fact]
    public async Task Given_a_pop3_session_When_everything_was_read_Then_the_messages_are_still_there()
    {
        var login = _lab.NewLogin();
        await SeedAsync(_lab.Old("imap"), login, "INBOX", [Item(Crlf("keep me"))]);

        await using (var pop3 = await Pop3MailSource.ConnectAsync(_lab.Old("pop3"), login, None))
        {
            var message = Assert.Single(await pop3.ListMessagesAsync("INBOX", 0, None));
            await pop3.CopyRawAsync("INBOX", message, Stream.Null, None);
        }

        await using var again = await Pop3MailSource.ConnectAsync(_lab.Old("pop3"), login, None);
        Assert.Equal(1, (await again.GetStatusAsync("INBOX", None)).Count);
    }
}
