using System.Globalization;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Search;
using MimeKit;
using Runbook.Adapters.Mail.Connection;
using Runbook.Errors;

namespace Runbook.Adapters.Mail.Smtp;

/// <summary>What one send/receive test showed: the message, when it was handed to SMTP, when it was seen in INBOX, and that it was removed again.</summary>
internal sealed record RoundTripResult(string MessageId, DateTimeOffset SentAt, DateTimeOffset SeenAt, bool Removed)
{
    public TimeSpan Delay => SeenAt - SentAt;
}

/// <summary>Sends a test message through the new server's SMTP and waits for it in the account's INBOX.</summary>
internal interface IMailRoundTrip
{
    Task<RoundTripResult> RunAsync(MailEndpoint smtp, MailEndpoint imap, MailLogin login, string address, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken);
}

/// <summary>
/// The real send/receive test: IMAP is logged in and INBOX selected before the message is sent, so the measured delay
/// is delivery only; the message is found by its own Message-ID and then deleted (UID EXPUNGE of that message only,
/// where the server has UIDPLUS), so the account keeps nothing of the test.
/// </summary>
internal sealed class SmtpRoundTrip : IMailRoundTrip
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    public async Task<RoundTripResult> RunAsync(MailEndpoint smtp, MailEndpoint imap, MailLogin login, string address, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        // SMTP logs in first, so a refused submission login is reported as SMTP's, not hidden behind IMAP.
        using var smtpClient = new SmtpClient();
        using var imapClient = new ImapClient();
        try
        {
            await MailServiceConnection.ConnectAsync(smtpClient, smtp, login, cancellationToken);
            await MailServiceConnection.ConnectAsync(imapClient, imap, login, cancellationToken);
            var inbox = imapClient.Inbox;
            await inbox.OpenAsync(FolderAccess.ReadWrite, cancellationToken);
            var message = Message(address, time.GetUtcNow());
            var sentAt = await SendAsync(smtpClient, smtp, message, time, cancellationToken);
            var uid = await WaitForAsync(inbox, message.MessageId!, timeout, time, cancellationToken);
            var seenAt = time.GetUtcNow();
            var uidPlus = imapClient.Capabilities.HasFlag(ImapCapabilities.UidPlus);
            if (uidPlus)
            {
                // Without UIDPLUS an EXPUNGE would also remove what a person marked \Deleted: then the test message stays.
                await inbox.AddFlagsAsync(uid, MessageFlags.Deleted, silent: true, cancellationToken);
                await inbox.ExpungeAsync([uid], cancellationToken);
            }

            return new RoundTripResult(message.MessageId!, sentAt, seenAt, uidPlus);
        }
        finally
        {
            await MailServiceConnection.DisconnectQuietlyAsync(smtpClient);
            await MailServiceConnection.DisconnectQuietlyAsync(imapClient);
        }
    }

    private static MimeMessage Message(string address, DateTimeOffset now)
    {
        var message = new MimeMessage { Subject = $"Runbook verification {now.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)}", Date = now };
        message.From.Add(MailboxAddress.Parse(address));
        message.To.Add(MailboxAddress.Parse(address));
        message.MessageId = $"runbook-verify-{Guid.NewGuid():N}@runbook.invalid";
        message.Body = new TextPart("plain") { Text = "Runbook sent this message to prove that mail reaches this mailbox through the new server. It deletes it again." };
        return message;
    }

    private static async Task<DateTimeOffset> SendAsync(SmtpClient client, MailEndpoint smtp, MimeMessage message, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            var sentAt = time.GetUtcNow();
            await client.SendAsync(message, cancellationToken);
            return sentAt;
        }
        catch (SmtpCommandException e)
        {
            throw new StepFailedException($"{smtp} refused the test message: {(int)e.StatusCode} {e.Message}", retryable: false);
        }
    }

    private static async Task<UniqueId> WaitForAsync(IMailFolder inbox, string messageId, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + timeout;
        while (true)
        {
            var found = await inbox.SearchAsync(SearchQuery.HeaderContains("Message-ID", messageId), cancellationToken);
            if (found.Count > 0)
            {
                return found[0];
            }

            if (time.GetUtcNow() >= deadline)
            {
                throw new StepFailedException($"the test message <{messageId}> did not reach INBOX within {timeout.TotalSeconds:0} s", retryable: true);
            }

            await Task.Delay(Poll, time, cancellationToken);
        }
    }
}
