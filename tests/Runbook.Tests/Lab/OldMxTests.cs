using MailKit;
using MailKit.Net.Smtp;
using MailKit.Search;
using MailKit.Security;
using MimeKit;

namespace Runbook.Tests.Lab;

/// <summary>The old host's MX: mail a stale resolver still sends there after the switch lands on the OLD server.</summary>
[Collection("lab")]
public sealed class OldMxTests(LabFixture fixture)
{
    [Fact]
    public async Task Given_the_old_mx_When_mail_is_sent_without_login_Then_it_arrives_in_the_old_INBOX_and_not_the_new()
    {
        var lab = fixture.Lab;
        var token = LabClients.Timeout();
        var recipient = lab.NewAccount("late");
        var subject = $"late mail {Guid.NewGuid():N}";
        using var message = new MimeMessage(
            [MailboxAddress.Parse("someone@example.test")], [MailboxAddress.Parse(recipient)], subject, new TextPart("plain") { Text = "after the switch" });
        // Logged in before delivery: Dovecot refuses an EXAMINE that races the LMTP delivery creating the same INBOX.
        using var old = await LabClients.ImapAsync(lab.Old.Imap, recipient, lab.Password, token);
        await old.Inbox!.OpenAsync(FolderAccess.ReadOnly, token);

        using (var smtp = new SmtpClient())
        {
            await smtp.ConnectAsync("127.0.0.1", lab.Old.Smtp.Port, SecureSocketOptions.None, token);
            await smtp.SendAsync(message, token);
            await smtp.DisconnectAsync(true, token);
        }

        // Delivery is asynchronous (Postfix queue, then LMTP): poll until it lands; the token bounds the wait.
        while (old.Inbox.Count == 0)
        {
            await Task.Delay(100, token);
            await old.NoOpAsync(token);
        }

        Assert.Single(await old.Inbox.SearchAsync(SearchQuery.SubjectContains(subject), token));
        using var fresh = await LabClients.ImapAsync(lab.New.Imap, recipient, lab.Password, token);
        await fresh.Inbox!.OpenAsync(FolderAccess.ReadOnly, token);
        Assert.Equal(0, fresh.Inbox.Count);
    }
}
