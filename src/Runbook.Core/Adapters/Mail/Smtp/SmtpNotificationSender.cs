using MailKit.Net.Smtp;
using MimeKit;
using Runbook.Adapters.Mail.Connection;
using Runbook.Errors;

namespace Runbook.Adapters.Mail.Smtp;

/// <summary>Submits a finished message (a notification) through an SMTP endpoint; steps depend on this so tests can fake it.</summary>
internal interface IMailSubmitter
{
    /// <summary>Throws ServerUnreachableException / AuthenticationFailedException on connect or login, StepFailedException when the server refuses the message.</summary>
    Task SubmitAsync(MailEndpoint endpoint, MailLogin login, MimeMessage message, CancellationToken cancellationToken);
}

/// <summary>MailKit submission with the plan's TLS rules: one connection per message, since notifications are rare.</summary>
internal sealed class SmtpNotificationSender : IMailSubmitter
{
    public async Task SubmitAsync(MailEndpoint endpoint, MailLogin login, MimeMessage message, CancellationToken cancellationToken)
    {
        var client = new SmtpClient();
        try
        {
            await MailServiceConnection.ConnectAsync(client, endpoint, login, cancellationToken);
            await client.SendAsync(message, cancellationToken);
        }
        catch (SmtpCommandException e)
        {
            // 4xx is the server asking to come back later; 5xx will not change by retrying.
            throw new StepFailedException($"{endpoint} refused the message: {(int)e.StatusCode} {e.Message}", retryable: (int)e.StatusCode < 500);
        }
        catch (Exception e) when (MailConnectionErrors.IsConnectionLoss(e))
        {
            throw new ServerUnreachableException($"{endpoint}: the connection was lost while sending ({e.Message})", e);
        }
        finally
        {
            await MailServiceConnection.DisconnectQuietlyAsync(client);
        }
    }
}
