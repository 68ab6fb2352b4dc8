using Runbook.Plan.Model;

namespace Runbook.Adapters.Mail;

/// <summary>One protocol endpoint of a named server, with the timeouts to use; <see cref="ServerName"/> names it in errors.</summary>
internal sealed record MailEndpoint(string ServerName, Endpoint Endpoint)
{
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Longest wait for one server reply once connected.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(2);
    /// <summary>
    /// The caller's connection budget leaves room for a second connection to this server, which an IMAP source opens
    /// for message bodies once a read is large (see <see cref="Imap.ImapMailSource"/>); false keeps it to one.
    /// </summary>
    public bool BodyConnection { get; init; }

    public override string ToString() => $"{ServerName} ({Endpoint.Host}:{Endpoint.Port})";
}

/// <summary>A resolved login. The password never appears in <see cref="ToString"/>, logs or exception messages.</summary>
internal sealed record MailLogin(string User, string Password)
{
    public override string ToString() => $"MailLogin {{ User = {User} }}";
}

internal enum SourceProtocol { Imap, Pop3 }

/// <summary>Opens connected, logged-in mail adapters; steps depend on this so tests can hand in fakes.</summary>
internal interface IMailConnector
{
    /// <summary>Throws ServerUnreachableException (69) or AuthenticationFailedException (77) before anything is read.</summary>
    Task<IMailSource> OpenSourceAsync(SourceProtocol protocol, MailEndpoint endpoint, MailLogin login, CancellationToken cancellationToken);
    Task<IMailDestination> OpenDestinationAsync(MailEndpoint endpoint, MailLogin login, CancellationToken cancellationToken);

    /// <summary>The new server for preflight's questions. Default: the full destination (fakes need nothing more).</summary>
    async Task<IDestinationProbe> OpenDestinationProbeAsync(MailEndpoint endpoint, MailLogin login, CancellationToken cancellationToken) =>
        await OpenDestinationAsync(endpoint, login, cancellationToken);

    /// <summary>Connects and authenticates to SMTP without sending anything (preflight).</summary>
    Task<SmtpProbeResult> ProbeSmtpAsync(MailEndpoint endpoint, MailLogin login, CancellationToken cancellationToken);
}

/// <summary>What an SMTP login showed: the server's advertised size limit and auth mechanisms.</summary>
internal sealed record SmtpProbeResult(long? SizeLimit, IReadOnlyList<string> AuthenticationMechanisms);
