using Runbook.Adapters.Mail;
using Runbook.Engine;
using Runbook.Errors;
using Runbook.Plan.Model;

namespace Runbook.Steps.Mail;

/// <summary>
/// Opens an account's connections from the plan: servers.old (IMAP or POP3) and servers.new (IMAP), secrets resolved
/// on use. <paramref name="sourceBodyConnection"/>: the old server's budget leaves room for a second connection per
/// account, for large bodies (see <see cref="MailEndpoint.BodyConnection"/>).
/// </summary>
internal sealed class PlanAccountConnector(IMailConnector mail, RunbookPlan plan, ISecretResolver secrets, SourceProtocol protocol, bool sourceBodyConnection = false) : IAccountConnector
{
    public async Task<IMailSource> OpenSourceAsync(AccountDefinition account, CancellationToken cancellationToken)
    {
        var server = MailStepParameters.Server(plan, "old");
        var endpoint = protocol == SourceProtocol.Pop3 ? server.Pop3 : server.Imap;
        var login = new MailLogin(account.Old.User, await secrets.ResolveAsync(account.Old.Password, cancellationToken));
        var source = Endpoint("old", endpoint, protocol.ToString().ToLowerInvariant()) with { BodyConnection = sourceBodyConnection };
        return await mail.OpenSourceAsync(protocol, source, login, cancellationToken);
    }

    public async Task<IMailDestination> OpenDestinationAsync(AccountDefinition account, CancellationToken cancellationToken)
    {
        var (endpoint, login) = await NewServerAsync(account, cancellationToken);
        return await mail.OpenDestinationAsync(endpoint, login, cancellationToken);
    }

    /// <summary>The new server for preflight's read-only questions (see <see cref="IMailConnector.OpenDestinationProbeAsync"/>).</summary>
    public async Task<IDestinationProbe> OpenDestinationProbeAsync(AccountDefinition account, CancellationToken cancellationToken)
    {
        var (endpoint, login) = await NewServerAsync(account, cancellationToken);
        return await mail.OpenDestinationProbeAsync(endpoint, login, cancellationToken);
    }

    private async Task<(MailEndpoint Endpoint, MailLogin Login)> NewServerAsync(AccountDefinition account, CancellationToken cancellationToken) =>
        (Endpoint("new", MailStepParameters.Server(plan, "new").Imap, "imap"),
         new MailLogin(account.New.User, await secrets.ResolveAsync(account.New.Password, cancellationToken)));

    public static MailEndpoint Endpoint(string role, Endpoint? endpoint, string protocol) =>
        endpoint is null
            ? throw new UsageException($"servers.{role} has no {protocol} endpoint", ExitCode.InvalidPlan)
            : new MailEndpoint($"{role} {protocol}", endpoint);
}
