using System.Net.Sockets;
using MailKit;
using MailKit.Security;
using Runbook.Errors;

namespace Runbook.Adapters.Mail.Connection;

/// <summary>Turns connect/login failures into Runbook's exceptions with a message that says which server, what failed and what to do.</summary>
internal static class MailConnectionErrors
{
    public static RunbookException Connect(MailEndpoint endpoint, Exception error, CertificatePolicy policy, bool timedOut) => error switch
    {
        _ when timedOut => Unreachable(endpoint, $"no answer within {endpoint.ConnectTimeout.TotalSeconds:0} s: check host, port and firewall", error),
        SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain } =>
            Unreachable(endpoint, $"host name {endpoint.Endpoint.Host} not found in DNS: check the host", error),
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } =>
            Unreachable(endpoint, $"connection refused on port {endpoint.Endpoint.Port}: check the port and that the service runs", error),
        SocketException s => Unreachable(endpoint, $"network error ({s.SocketErrorCode}): check host, port and firewall", error),
        SslHandshakeException or System.Security.Authentication.AuthenticationException when policy.LastFailure is not null =>
            Unreachable(endpoint, policy.LastFailure!, error),
        SslHandshakeException or System.Security.Authentication.AuthenticationException =>
            Unreachable(endpoint, $"TLS handshake failed: check security ({Security(endpoint)}) matches the port, tls = implicit TLS, starttls = upgrade", error),
        NotSupportedException => Unreachable(endpoint, "the server does not offer STARTTLS: use security: tls on the TLS port (plain text is never used silently)", error),
        TimeoutException => Unreachable(endpoint, "timed out: check host, port and firewall", error),
        _ => Unreachable(endpoint, $"connection failed ({error.GetType().Name}): check host, port and security ({Security(endpoint)})", error),
    };

    public static RunbookException Login(MailEndpoint endpoint, MailLogin login, Exception error) => error switch
    {
        // MailKit's message is the server's own reply; it never contains the password we sent.
        AuthenticationException => new AuthenticationFailedException(
            $"{endpoint}: login refused for account {login.User}: check the user name and the password secret", error),
        _ => Unreachable(endpoint, $"connection lost during login as {login.User} ({error.GetType().Name})", error),
    };

    /// <summary>True for failures where the connection is gone or unusable: the caller may reconnect and retry.</summary>
    public static bool IsConnectionLoss(Exception error) =>
        error is IOException or SocketException or ProtocolException or ServiceNotConnectedException or TimeoutException;

    private static ServerUnreachableException Unreachable(MailEndpoint endpoint, string what, Exception inner) =>
        new($"{endpoint}: {what}", inner);

    private static string Security(MailEndpoint endpoint) => endpoint.Endpoint.Security.ToString().ToLowerInvariant();
}
