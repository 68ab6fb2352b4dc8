using MailKit.Net.Smtp;
using Runbook.Adapters.Mail.Connection;

namespace Runbook.Adapters.Mail.Smtp;

/// <summary>Preflight for SMTP: connect with the plan's TLS rules and authenticate; never sends a message.</summary>
internal static class SmtpProbe
{
    public static async Task<SmtpProbeResult> ProbeAsync(MailEndpoint endpoint, MailLogin login, CancellationToken cancellationToken)
    {
        var client = new SmtpClient();
        try
        {
            await MailServiceConnection.ConnectAsync(client, endpoint, login, cancellationToken);
            long? size = client.Capabilities.HasFlag(SmtpCapabilities.Size) && client.MaxSize > 0 ? client.MaxSize : null;
            return new SmtpProbeResult(size, client.AuthenticationMechanisms.Order(StringComparer.Ordinal).ToList());
        }
        finally
        {
            await MailServiceConnection.DisconnectQuietlyAsync(client);
        }
    }
}
