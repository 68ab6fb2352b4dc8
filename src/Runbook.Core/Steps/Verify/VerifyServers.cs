using Runbook.Adapters.Mail;
using Runbook.Adapters.Mail.Imap;
using Runbook.Engine;
using Runbook.Plan.Model;
using Runbook.Steps.Mail;

namespace Runbook.Steps.Verify;

/// <summary>
/// Opens the connections verify reads through: the old server as the migration reads it (IMAP or POP3), and the new
/// server through the same read-only source adapter (EXAMINE and BODY.PEEK only), never the appender; IMAP sides through a reader that skips the header fetch.
/// </summary>
internal sealed class VerifyServers(IMailConnector mail, RunbookPlan plan, ISecretResolver secrets)
{
    /// <summary>Opens an IMAP server for reading every body; production uses <see cref="ImapBodyReader"/>, which skips the header fetch.</summary>
    public Func<MailEndpoint, MailLogin, CancellationToken, Task<IMailSource>> OpenImap { get; init; } = ImapBodyReader.ConnectAsync;

    public async Task<IMailSource> OpenOldAsync(AccountDefinition account, bool pop3, CancellationToken cancellationToken)
    {
        var server = MailStepParameters.Server(plan, "old");
        var protocol = pop3 ? SourceProtocol.Pop3 : SourceProtocol.Imap;
        var endpoint = PlanAccountConnector.Endpoint("old", pop3 ? server.Pop3 : server.Imap, pop3 ? "pop3" : "imap");
        var login = new MailLogin(account.Old.User, await secrets.ResolveAsync(account.Old.Password, cancellationToken));
        return pop3 ? await mail.OpenSourceAsync(protocol, endpoint, login, cancellationToken) : await OpenImap(endpoint, login, cancellationToken);
    }

    public async Task<IMailSource> OpenNewAsync(AccountDefinition account, CancellationToken cancellationToken) =>
        await OpenImap(NewImap, await NewLoginAsync(account, cancellationToken), cancellationToken);

    public MailEndpoint NewImap => PlanAccountConnector.Endpoint("new", MailStepParameters.Server(plan, "new").Imap, "imap");

    public MailEndpoint NewSmtp => PlanAccountConnector.Endpoint("new", MailStepParameters.Server(plan, "new").Smtp, "smtp");

    public async Task<MailLogin> NewLoginAsync(AccountDefinition account, CancellationToken cancellationToken) =>
        new(account.New.User, await secrets.ResolveAsync(account.New.Password, cancellationToken));
}
