using System.Text;
using MailKit;
using MailKit.Net.Imap;
using Runbook.Adapters.Mail;
using Runbook.Adapters.Mail.Imap;
using Runbook.Errors;
using Runbook.Tests.Lab;
using Runbook.Tests.Support;
using static Runbook.Tests.Adapters.Mail.MailLabMessages;

namespace Runbook.Tests.Adapters.Mail.Imap;

/// <summary>
/// The old server's large reads over a second, raw connection (<see cref="MailEndpoint.BodyConnection"/>), on the
/// real old Dovecot: the bytes are those MailKit reads, the connection opens only for a large read and only where
/// the budget allows it, and a message expunged since it was listed fails the read as MailKit's path does.
/// </summary>
[Collection("lab")]
[Trait("Category", "Lab")]
public sealed class SourceBodyConnectionLabTests(LabFixture fixture)
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly MailLab _lab = new(fixture.Lab);

    [Fact]
    public async Task Given_a_large_read_and_room_for_a_second_connection_When_bodies_are_read_Then_they_come_over_it_byte_for_byte()
    {
        var login = await SeedAsync();
        var expected = await ReadAsync(_lab.Old("imap"), login);
        await using var proxy = new FaultProxy(_lab.Port("old", "imap"));

        var read = await ReadAsync(Through(proxy, bodyConnection: true), login);

        Assert.Equal(expected.Keys, read.Keys);
        Assert.All(expected, e => Assert.Equal(e.Value, read[e.Key]));
        Assert.Contains(read.Values, b => b.Length > ImapMailSource.ChunkSize);
        Assert.Equal(2, proxy.Connections);
    }

    [Fact]
    public async Task Given_no_room_for_a_second_connection_When_a_large_read_runs_Then_it_stays_on_one()
    {
        var login = await SeedAsync();
        await using var proxy = new FaultProxy(_lab.Port("old", "imap"));

        var read = await ReadAsync(Through(proxy, bodyConnection: false), login);

        Assert.Equal(4, read.Count);
        Assert.Equal(1, proxy.Connections);
    }

    [Fact]
    public async Task Given_room_for_a_second_connection_When_only_small_messages_are_read_Then_no_second_login_is_paid()
    {
        var login = _lab.NewLogin();
        await MailLabMessages.SeedAsync(_lab.Old("imap"), login, "INBOX", [Item(Crlf("one", "one@x")), Item(DotLines)]);
        await using var proxy = new FaultProxy(_lab.Port("old", "imap"));

        var read = await ReadAsync(Through(proxy, bodyConnection: true), login);

        Assert.Equal(2, read.Count);
        Assert.Equal(1, proxy.Connections);
    }

    [Fact]
    public async Task Given_a_message_expunged_after_listing_When_its_body_is_read_over_the_body_connection_Then_the_read_fails_to_be_retried()
    {
        var login = await SeedAsync();
        await using var source = await ImapMailSource.ConnectAsync(_lab.Old("imap") with { BodyConnection = true }, login, None);
        var messages = await source.ListMessagesAsync("INBOX", 0, None);
        await ExpungeAsync(login, messages[0].Uid);

        var failure = await Assert.ThrowsAsync<StepFailedException>(() =>
            source.CopyRawManyAsync("INBOX", messages, _ => new MemoryStream(), None));

        Assert.True(failure.Retryable);
        Assert.Contains("message gone", failure.Message, StringComparison.Ordinal);
        Assert.Contains("1 of 4 requested messages", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_read_that_fails_part_way_When_the_next_read_runs_Then_it_opens_a_fresh_body_connection_and_reads_right()
    {
        var login = await SeedAsync();
        var expected = await ReadAsync(_lab.Old("imap"), login);
        await using var proxy = new FaultProxy(_lab.Port("old", "imap"));
        await using var source = await ImapMailSource.ConnectAsync(Through(proxy, bodyConnection: true), login, None);
        var messages = await source.ListMessagesAsync("INBOX", 0, None);

        // The spool refuses the second message (a full disk): the reply is left half read.
        var opened = 0;
        await Assert.ThrowsAsync<IOException>(() => source.CopyRawManyAsync("INBOX", messages,
            _ => ++opened == 2 ? throw new IOException("disk full") : new MemoryStream(), None));
        var read = messages.ToDictionary(m => m.Uid, _ => new MemoryStream());
        await source.CopyRawManyAsync("INBOX", messages, m => new KeepOpen(read[m.Uid]), None);

        Assert.All(expected, e => Assert.Equal(e.Value, read[e.Key].ToArray()));
        Assert.Equal(3, proxy.Connections);
    }

    /// <summary>Four messages, one over the chunk size (what MailKit reads in parts), one without a final newline.</summary>
    private async Task<MailLogin> SeedAsync()
    {
        var login = _lab.NewLogin();
        var large = new StringBuilder("Message-ID: <large@x>\r\nSubject: large\r\n\r\n");
        for (var line = 0; large.Length <= ImapMailSource.ChunkSize + 100_000; line++)
        {
            large.Append(line).Append(" 日本語 line of a large message, CRLF-terminated\r\n");
        }

        await MailLabMessages.SeedAsync(_lab.Old("imap"), login, "INBOX",
            [Item(Crlf("one", "one@x")), Item(Encoding.UTF8.GetBytes(large.ToString())), Item(NoFinalNewline), Item(DotLines)]);
        return login;
    }

    private static async Task<Dictionary<uint, byte[]>> ReadAsync(MailEndpoint endpoint, MailLogin login)
    {
        await using var source = await ImapMailSource.ConnectAsync(endpoint, login, None);
        var messages = await source.ListMessagesAsync("INBOX", 0, None);
        var read = messages.ToDictionary(m => m.Uid, _ => new MemoryStream());
        await source.CopyRawManyAsync("INBOX", messages, m => new KeepOpen(read[m.Uid]), None);
        return read.ToDictionary(r => r.Key, r => r.Value.ToArray());
    }

    private async Task ExpungeAsync(MailLogin login, uint uid)
    {
        using var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", _lab.Port("old", "imap"), MailKit.Security.SecureSocketOptions.None, None);
        await client.AuthenticateAsync(login.User, login.Password, None);
        await client.Inbox.OpenAsync(FolderAccess.ReadWrite, None);
        var target = new UniqueId(client.Inbox.UidValidity, uid);
        await client.Inbox.AddFlagsAsync(target, MessageFlags.Deleted, silent: true, None);
        await client.Inbox.ExpungeAsync([target], None);
        await client.DisconnectAsync(quit: true, None);
    }

    private MailEndpoint Through(FaultProxy proxy, bool bodyConnection) =>
        _lab.Old("imap") with { Endpoint = _lab.Old("imap").Endpoint with { Port = proxy.Port }, BodyConnection = bodyConnection };
}
