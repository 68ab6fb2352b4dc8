using System.Text;
using MailKit.Net.Imap;
using Runbook.Adapters.Mail;
using Runbook.Adapters.Mail.Imap;
using Runbook.Adapters.Mail.Raw;
using static Runbook.Tests.Adapters.Mail.MailLabMessages;

namespace Runbook.Tests.Lab;

/// <summary>The lab's Cyrus IMAP 3.6 behaves as the real thing does: the facts the migration must cope with.</summary>
[Collection("lab")]
[Trait("Category", "Lab")]
public sealed class CyrusLabTests(LabFixture fixture)
{
    private readonly CyrusLab _cyrus = new(fixture.Lab);

    [Fact]
    public async Task Given_a_fresh_Cyrus_account_When_logging_in_Then_the_namespace_is_empty_with_slash_and_special_use_folders_exist_in_lower_case()
    {
        var token = LabClients.Timeout();
        var login = await _cyrus.NewLoginAsync(token);
        using var client = await LabClients.ImapAsync(fixture.Lab.Cyrus.Imap, login.User, login.Password, token);

        var personal = client.PersonalNamespaces.Single();
        var (list, _) = await _cyrus.CommandAsync(login, "LIST \"\" \"*\"", token);

        Assert.Equal("", personal.Path);
        Assert.Equal('/', personal.DirectorySeparator);
        Assert.Equal(fixture.Lab.Cyrus.Namespace, new Runbook.Lab.LabNamespace(personal.Path, personal.DirectorySeparator));
        // Cyrus lowercases its option names, so the xlist-sent setting announces "\sent", not "\Sent".
        Assert.Contains("* LIST (\\HasNoChildren \\sent) \"/\" Sent", list);
        Assert.Contains("* LIST (\\HasNoChildren \\junk) \"/\" Junk", list);
        Assert.StartsWith("Cyrus IMAPD", (await client.IdentifyAsync(new ImapImplementation { Name = "runbook-test" }, token))?.Name, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_no_quota_limit_When_asking_GETQUOTAROOT_Then_an_empty_resource_list_and_after_SETQUOTA_a_real_limit()
    {
        var token = LabClients.Timeout();
        var login = await _cyrus.NewLoginAsync(token);

        var (before, _) = await _cyrus.CommandAsync(login, "GETQUOTAROOT INBOX", token);
        await fixture.Lab.SetCyrusQuotaAsync(login.User, 10240, token);
        var (after, _) = await _cyrus.CommandAsync(login, "GETQUOTAROOT INBOX", token);

        Assert.Equal(["* QUOTAROOT INBOX INBOX", "* QUOTA INBOX ()"], before);
        Assert.Equal(["* QUOTAROOT INBOX INBOX", "* QUOTA INBOX (STORAGE 0 10240)"], after);
    }

    [Fact]
    public async Task Given_UTF8_in_a_Subject_When_appended_raw_Then_Cyrus_stores_each_8bit_byte_as_X_keeping_the_size()
    {
        var token = LabClients.Timeout();
        var login = await _cyrus.NewLoginAsync(token);
        var sent = Encoding.UTF8.GetBytes("From: a@old.test\r\nSubject: Another PDF with 🎉 Unicode chars in it 🍿\r\nMessage-ID: <utf8@x>\r\n\r\nbody é\r\n");
        await using var destination = await ImapMailDestination.ConnectAsync(_cyrus.Imap, login, token);

        var result = Assert.Single(await destination.AppendAsync("INBOX", [Item(sent)], token));
        var stored = Assert.Single(await BodiesAsync(_cyrus.Imap, login, "INBOX")).Value;

        Assert.Equal(AppendStatus.Stored, result.Status);
        Assert.Equal(sent.Length, stored.Length);
        var text = Encoding.Latin1.GetString(stored);
        Assert.Contains("Subject: Another PDF with XXXX Unicode chars in it XXXX\r\n", text, StringComparison.Ordinal);
        // The body is left alone: only header bytes are rewritten.
        Assert.EndsWith("body \u00c3\u00a9\r\n", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("From: a@old.test\r\nSubject   : obsolete syntax (RFC 5322 4.5)\r\n\r\nbody\r\n", "Message contains invalid header")]
    [InlineData("From: a@old.test\r\nthis line is no header\r\nSubject: x\r\n\r\nbody\r\n", "Message contains invalid header")]
    [InlineData("From: a@old.test\r\nSubject: NUL\r\n\r\nbo\0dy\r\n", "Message contains NUL characters")]
    [InlineData("From: a@old.test\nSubject: bare LF\n\nbody\n", "Message contains bare newlines")]
    public async Task Given_a_message_Cyrus_cannot_store_When_appended_Then_it_is_refused_with_its_reason_and_the_rest_of_the_batch_stored(string message, string reason)
    {
        var token = LabClients.Timeout();
        var login = await _cyrus.NewLoginAsync(token);
        await using var destination = await ImapMailDestination.ConnectAsync(_cyrus.Imap, login, token);

        var results = await destination.AppendAsync("INBOX", [Item(Crlf("before")), Item(Encoding.Latin1.GetBytes(message)), Item(Crlf("after"))], token);

        Assert.Equal([AppendStatus.Stored, AppendStatus.Rejected, AppendStatus.Stored], results.Select(r => r.Status));
        Assert.Equal(reason, results[1].Reason);
        Assert.Equal(2, (await destination.ListMessagesAsync("INBOX", token)).Count);
    }
}
