using MailKit.Net.Imap;
using MailKit.Net.Pop3;
using MailKit.Security;
using Runbook.Lab;

namespace Runbook.Tests.Lab;

/// <summary>Logged-in MailKit clients for lab tests.</summary>
internal static class LabClients
{
    public static async Task<ImapClient> ImapAsync(LabEndpoint endpoint, string user, string password, CancellationToken cancellationToken)
    {
        var client = new ImapClient();
        await client.ConnectAsync(endpoint.Host, endpoint.Port, SecureSocketOptions.None, cancellationToken);
        await client.AuthenticateAsync(user, password, cancellationToken);
        return client;
    }

    public static async Task<Pop3Client> Pop3Async(LabEndpoint endpoint, string user, string password, CancellationToken cancellationToken)
    {
        var client = new Pop3Client();
        await client.ConnectAsync(endpoint.Host, endpoint.Port, SecureSocketOptions.None, cancellationToken);
        await client.AuthenticateAsync(user, password, cancellationToken);
        return client;
    }

    /// <summary>A token that ends a hung test instead of the whole run.</summary>
    public static CancellationToken Timeout(int seconds = 60) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;
}
