using System.Text;
using Runbook.Adapters.Mail.Connection;
using Runbook.Errors;
using Runbook.Plan.Model;

namespace Runbook.Adapters.Mail.Raw;

/// <summary>Connecting (TLS, STARTTLS, plain) and logging in, with the same rules and errors as the MailKit clients.</summary>
internal sealed partial class RawImapConnection
{
    public static async Task<RawImapConnection> OpenAsync(MailEndpoint endpoint, MailLogin login, CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(endpoint, cancellationToken);
        try
        {
            await connection.LoginAsync(login, cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static async Task<RawImapConnection> ConnectAsync(MailEndpoint endpoint, CancellationToken cancellationToken)
    {
        var policy = new CertificatePolicy(endpoint.Endpoint.Tls);
        RawImapConnection? connection = null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(endpoint.ConnectTimeout);
        try
        {
            connection = new RawImapConnection(await RawChannel.ConnectAsync(endpoint, policy, timeout.Token));
            if (!await connection.ReadGreetingAsync(timeout.Token))
            {
                await connection.RefreshCapabilitiesAsync(timeout.Token);
            }
            if (endpoint.Endpoint.Security == TransportSecurity.StartTls)
            {
                await connection.StartTlsAsync(policy, timeout.Token);
            }
            return connection;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is not ServerUnreachableException)
        {
            await DisposeQuietlyAsync(connection);
            var cause = e is StepFailedException { InnerException: { } inner } ? inner : e;
            throw MailConnectionErrors.Connect(endpoint, cause, policy, timedOut: timeout.IsCancellationRequested);
        }
        catch
        {
            await DisposeQuietlyAsync(connection);
            throw;
        }
    }

    /// <summary>Reads the greeting; true when it named the capabilities ("* OK [CAPABILITY ...]"), as Dovecot's does.</summary>
    private async Task<bool> ReadGreetingAsync(CancellationToken cancellationToken)
    {
        var greeting = await ReadResponseLineAsync(cancellationToken);
        if (!greeting.StartsWith("* OK", StringComparison.OrdinalIgnoreCase))
        {
            throw new IOException($"unexpected IMAP greeting: {greeting}");
        }
        return TakeCapabilities(ImapTaggedResponse.Parse(greeting, "*"));
    }

    /// <summary>Capabilities from a [CAPABILITY ...] response code: a round trip saved per connection, on both sides of the login.</summary>
    private bool TakeCapabilities(ImapTaggedResponse? response)
    {
        if (response is not { Code: "CAPABILITY", CodeArguments: { } list })
        {
            return false;
        }
        Capabilities = CapabilitySet(list);
        return true;
    }

    private async Task StartTlsAsync(CertificatePolicy policy, CancellationToken cancellationToken)
    {
        if (!Has("STARTTLS"))
        {
            throw new NotSupportedException("STARTTLS not offered");
        }
        var response = await CommandAsync("STARTTLS", cancellationToken);
        if (response.Status != ImapStatus.Ok)
        {
            throw new NotSupportedException($"STARTTLS refused: {response.Reason}");
        }
        await _channel.UpgradeToTlsAsync(policy, cancellationToken);
        // Capabilities before TLS may have been forged in transit (RFC 3501 §6.2.1).
        await RefreshCapabilitiesAsync(cancellationToken);
    }

    private async Task LoginAsync(MailLogin login, CancellationToken cancellationToken)
    {
        ImapTaggedResponse response;
        if (Has("AUTH=PLAIN"))
        {
            var token = Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{login.User}\0{login.Password}"));
            response = Has("SASL-IR")
                ? await CommandAsync($"AUTHENTICATE PLAIN {token}", cancellationToken)
                : await AuthenticateInTwoStepsAsync(token, cancellationToken);
        }
        else if (!Has("LOGINDISABLED"))
        {
            response = await CommandAsync($"LOGIN {ImapSyntax.Quoted(login.User)} {ImapSyntax.Quoted(login.Password)}", cancellationToken);
        }
        else
        {
            throw new AuthenticationFailedException($"{Endpoint}: the server allows no plain login for account {login.User} on this connection: use security tls or starttls");
        }
        if (response.Status != ImapStatus.Ok && MailConnectionErrors.IsBusy(response.Reason))
        {
            throw MailConnectionErrors.Busy(Endpoint, login.User, response.Reason);
        }
        if (response.Status != ImapStatus.Ok)
        {
            throw new AuthenticationFailedException($"{Endpoint}: login refused for account {login.User} ({response.Reason}): check the user name and the password secret");
        }
        if (!TakeCapabilities(response))
        {
            await RefreshCapabilitiesAsync(cancellationToken);
        }
    }

    private async Task<ImapTaggedResponse> AuthenticateInTwoStepsAsync(string token, CancellationToken cancellationToken)
    {
        var tag = NextTag();
        await WriteAsync($"{tag} AUTHENTICATE PLAIN\r\n", cancellationToken);
        await FlushAsync(cancellationToken);
        if (await WaitForContinuationAsync(tag, cancellationToken) is { } refused)
        {
            return refused;
        }
        await WriteAsync(token + "\r\n", cancellationToken);
        await FlushAsync(cancellationToken);
        return await ReadTaggedAsync(tag, null, cancellationToken);
    }

    private async Task RefreshCapabilitiesAsync(CancellationToken cancellationToken)
    {
        const string Prefix = "* CAPABILITY ";
        var (untagged, _) = await RunAsync("CAPABILITY", cancellationToken);
        Capabilities = CapabilitySet(string.Join(' ', untagged.Where(l => l.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)).Select(l => l[Prefix.Length..])));
    }

    private static HashSet<string> CapabilitySet(string list) =>
        new(list.Split(' ', StringSplitOptions.RemoveEmptyEntries), StringComparer.OrdinalIgnoreCase);

    private async Task<ImapTaggedResponse> CommandAsync(string command, CancellationToken cancellationToken) =>
        (await RunAsync(command, cancellationToken)).Reply;

    private static async Task DisposeQuietlyAsync(RawImapConnection? connection)
    {
        if (connection is not null)
        {
            connection.MarkBroken();
            await connection.DisposeAsync();
        }
    }
}
