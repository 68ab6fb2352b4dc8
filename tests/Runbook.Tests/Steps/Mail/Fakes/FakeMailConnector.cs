using Runbook.Adapters.Mail;
using Runbook.Errors;

namespace Runbook.Tests.Steps.Mail.Fakes;

/// <summary>The adapters' connector over fake servers, keyed by login user (for steps that open endpoints themselves).</summary>
internal sealed class FakeMailConnector(FakeConnector accounts) : IMailConnector
{
    public Task<IMailSource> OpenSourceAsync(SourceProtocol protocol, MailEndpoint endpoint, MailLogin login, CancellationToken cancellationToken) =>
        Task.FromResult<IMailSource>(new FakeMailSource(accounts.Accounts[login.User].Old, protocol == SourceProtocol.Pop3));

    public Task<IMailDestination> OpenDestinationAsync(MailEndpoint endpoint, MailLogin login, CancellationToken cancellationToken) =>
        accounts.WrongPassword.Contains(login.User)
            ? throw new AuthenticationFailedException($"{endpoint}: login refused for account {login.User}")
            : Task.FromResult<IMailDestination>(new FakeMailDestination(accounts.Accounts[login.User].New, accounts.Behaviour));

    public Task<SmtpProbeResult> ProbeSmtpAsync(MailEndpoint endpoint, MailLogin login, CancellationToken cancellationToken) =>
        Task.FromResult(new SmtpProbeResult(null, []));
}
