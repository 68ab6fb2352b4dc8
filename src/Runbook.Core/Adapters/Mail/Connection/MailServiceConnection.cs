using MailKit;
using MailKit.Security;
using Runbook.Plan.Model;

namespace Runbook.Adapters.Mail.Connection;

/// <summary>Connects and logs in any MailKit client (IMAP, POP3, SMTP) with the plan's TLS rules and error mapping.</summary>
internal static class MailServiceConnection
{
    public static async Task ConnectAsync(IMailService client, MailEndpoint endpoint, MailLogin login, CancellationToken cancellationToken)
    {
        var policy = new CertificatePolicy(endpoint.Endpoint.Tls);
        client.ServerCertificateValidationCallback = policy.Validate;
        client.Timeout = (int)endpoint.CommandTimeout.TotalMilliseconds;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(endpoint.ConnectTimeout);
            try
            {
                await client.ConnectAsync(endpoint.Endpoint.Host, endpoint.Endpoint.Port, Options(endpoint.Endpoint.Security), timeout.Token);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e) when (e is not OperationCanceledException || timeout.IsCancellationRequested)
            {
                throw MailConnectionErrors.Connect(endpoint, e, policy, timedOut: e is OperationCanceledException);
            }
        }
        try
        {
            await client.AuthenticateAsync(login.User, login.Password, cancellationToken);
        }
        catch (Exception e) when (e is AuthenticationException || MailConnectionErrors.IsConnectionLoss(e))
        {
            throw MailConnectionErrors.Login(endpoint, login, e, ((client as MailService)?.ProtocolLogger as ServerReplyRecorder)?.LastReplyText);
        }

        // Only the login's reply matters: from here on the recorder would look at every line of every message.
        if ((client as MailService)?.ProtocolLogger is ServerReplyRecorder recorder)
        {
            recorder.Stop();
        }
    }

    /// <summary>Leaves politely (LOGOUT/QUIT) but never lets a failing goodbye hide the real outcome.</summary>
    public static async ValueTask DisconnectQuietlyAsync(IMailService client)
    {
        try
        {
            if (client.IsConnected)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await client.DisconnectAsync(true, timeout.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException || MailConnectionErrors.IsConnectionLoss(e) || e is CommandException)
        {
            // The session is over either way.
        }
        finally
        {
            client.Dispose();
        }
    }

    // StartTls maps to SecureSocketOptions.StartTls, which fails when the server does not offer it: never silently plain.
    public static SecureSocketOptions Options(TransportSecurity security) => security switch
    {
        TransportSecurity.Tls => SecureSocketOptions.SslOnConnect,
        TransportSecurity.StartTls => SecureSocketOptions.StartTls,
        _ => SecureSocketOptions.None,
    };
}
