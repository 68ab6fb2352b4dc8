using MailKit;
using MailKit.Net.Smtp;
using MailKit.Search;
using MailKit.Security;
using MimeKit;
using Runbook.Lab;

namespace Runbook.Tests.Lab;

[Collection("lab")]
public sealed class SubmissionTests(LabFixture fixture)
{
    [Fact]
    public async Task Given_authenticated_STARTTLS_submission_When_sending_to_new_account_Then_message_arrives_in_new_INBOX()
    {
        var lab = fixture.Lab;
        var token = LabClients.Timeout();
        var sender = lab.NewAccount("sender");
        var recipient = lab.NewAccount("rcpt");
        var subject = $"lab submission {Guid.NewGuid():N}";
        using var message = new MimeMessage(
            [MailboxAddress.Parse(sender)], [MailboxAddress.Parse(recipient)], subject, new TextPart("plain") { Text = "hello" });

        using (var smtp = new SmtpClient { ServerCertificateValidationCallback = LabTls.TrustingCa(lab.Ca.File) })
        {
            await smtp.ConnectAsync("localhost", lab.New.Submission.Port, SecureSocketOptions.StartTls, token);
            Assert.True(smtp.IsSecure);
            await smtp.AuthenticateAsync(sender, lab.Password, token);
            await smtp.SendAsync(message, token);
            await smtp.DisconnectAsync(true, token);
        }

        using var imap = await LabClients.ImapAsync(lab.New.Imap, recipient, lab.Password, token);
        var inbox = imap.Inbox!;
        await inbox.OpenAsync(FolderAccess.ReadOnly, token);
        // Delivery is asynchronous (Postfix queue, then LMTP): poll until it lands; the token bounds the wait.
        while (inbox.Count == 0)
        {
            await Task.Delay(100, token);
            await imap.NoOpAsync(token);
        }
        var found = await inbox.SearchAsync(SearchQuery.SubjectContains(subject), token);
        Assert.Single(found);
    }

    [Fact]
    public async Task Given_no_authentication_When_sending_on_submission_Then_recipient_is_refused()
    {
        var lab = fixture.Lab;
        var token = LabClients.Timeout();
        using var message = new MimeMessage(
            [MailboxAddress.Parse(lab.NewAccount())], [MailboxAddress.Parse(lab.NewAccount())], "no auth", new TextPart("plain") { Text = "x" });
        using var smtp = new SmtpClient { ServerCertificateValidationCallback = LabTls.TrustingCa(lab.Ca.File) };
        await smtp.ConnectAsync("localhost", lab.New.Submission.Port, SecureSocketOptions.StartTls, token);

        var refused = await Assert.ThrowsAsync<SmtpCommandException>(() => smtp.SendAsync(message, token));

        Assert.True((int)refused.StatusCode >= 500);
    }
}
