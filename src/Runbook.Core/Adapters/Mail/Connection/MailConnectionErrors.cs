using System.Net.Sockets;
using MailKit;
using MailKit.Security;
using Runbook.Errors;

namespace Runbook.Adapters.Mail.Connection;

/// <summary>Turns connect/login failures into Runbook's exceptions with a message that says which server, what failed and what to do.</summary>
internal static class MailConnectionErrors
{
    private static readonly string[] BusyCodes = ["[IN-USE]", "[INUSE]", "[UNAVAILABLE]", "[SYS/TEMP]"];

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

    /// <summary>
    /// Maps a failed login. <paramref name="serverReply"/> is the server's last reply when known (MailKit keeps the
    /// response code out of its exception's message, see <see cref="ServerReplyRecorder"/>).
    /// </summary>
    public static RunbookException Login(MailEndpoint endpoint, MailLogin login, Exception error, string? serverReply = null) => error switch
    {
        AuthenticationException when IsBusy(serverReply) => Busy(endpoint, login.User, serverReply!, error),
        AuthenticationException when IsBusy(error.Message) => Busy(endpoint, login.User, error.Message, error),
        // MailKit's message is the server's own reply; it never contains the password we sent.
        AuthenticationException => new AuthenticationFailedException(
            $"{endpoint}: login refused for account {login.User}: check the user name and the password secret", error),
        _ => Unreachable(endpoint, $"connection lost during login as {login.User} ({error.GetType().Name})", error),
    };

    /// <summary>
    /// True when a refusal means "not now" rather than "not you": IMAP <c>[UNAVAILABLE]</c> and <c>[INUSE]</c> (RFC 5530;
    /// some servers write <c>[IN-USE]</c>), POP3 <c>[IN-USE]</c> and <c>[SYS/TEMP]</c> (RFC 3206). The text is the reply
    /// after its status word (NO, -ERR), response code first.
    /// </summary>
    public static bool IsBusy(string? serverText) =>
        serverText is not null && BusyCodes.Any(code => serverText.TrimStart().StartsWith(code, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// A login or mailbox refused for now (another session holds the mailbox, the server is temporarily unable):
    /// retryable, so the account is tried again later instead of failing the run as a wrong password would.
    /// </summary>
    public static StepFailedException Busy(MailEndpoint endpoint, string user, string serverText, Exception? inner = null) =>
        new($"{endpoint}: account {user} is busy ({serverText.Trim()}): another session holds the mailbox or the server cannot serve it now; not a password problem, it will be retried", retryable: true, inner);

    /// <summary>True for failures where the connection is gone or unusable: the caller may reconnect and retry.</summary>
    public static bool IsConnectionLoss(Exception error) =>
        error is IOException or SocketException or ProtocolException or ServiceNotConnectedException or TimeoutException;

    private static ServerUnreachableException Unreachable(MailEndpoint endpoint, string what, Exception inner) =>
        new($"{endpoint}: {what}", inner);

    private static string Security(MailEndpoint endpoint) => endpoint.Endpoint.Security.ToString().ToLowerInvariant();
}
