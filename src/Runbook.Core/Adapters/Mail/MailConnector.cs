using Runbook.Adapters.Mail.Imap;
using Runbook.Adapters.Mail.Pop3;
using Runbook.Adapters.Mail.Smtp;

namespace Runbook.Adapters.Mail;

/// <summary>The real <see cref="IMailConnector"/>: MailKit sources, the byte-exact IMAP destination, the SMTP probe.</summary>
internal sealed class MailConnector : IMailConnector
{
    public async Task<IMailSource> OpenSourceAsync(SourceProtocol protocol, MailEndpoint endpoint, MailLogin login, CancellationToken cancellationToken) =>
        protocol == SourceProtocol.Pop3
            ? await Pop3MailSource.ConnectAsync(endpoint, login, cancellationToken)
            : await ImapMailSource.ConnectAsync(endpoint, login, cancellationToken);

    public async Task<IMailDestination> OpenDestinationAsync(MailEndpoint endpoint, MailLogin login, CancellationToken cancellationToken) =>
        await ImapMailDestination.ConnectAsync(endpoint, login, cancellationToken);

    /// <summary>One raw connection instead of the destination's two: a login costs the server more than all of preflight's questions.</summary>
    public async Task<IDestinationProbe> OpenDestinationProbeAsync(MailEndpoint endpoint, MailLogin login, CancellationToken cancellationToken) =>
        await ImapDestinationProbe.ConnectAsync(endpoint, login, cancellationToken);

    public Task<SmtpProbeResult> ProbeSmtpAsync(MailEndpoint endpoint, MailLogin login, CancellationToken cancellationToken) =>
        SmtpProbe.ProbeAsync(endpoint, login, cancellationToken);
}
