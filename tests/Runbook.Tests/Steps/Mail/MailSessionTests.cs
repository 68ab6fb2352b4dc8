using Runbook.Adapters.Mail;
using Runbook.Errors;
using Runbook.Plan.Model;
using Runbook.Steps.Mail;
using Runbook.Tests.Steps.Mail.Fakes;

namespace Runbook.Tests.Steps.Mail;

/// <summary>An account's two logins run at once; a failed one leaves nothing open and reports the old server's error first.</summary>
public sealed class MailSessionTests
{
    private static readonly AccountDefinition Account = FakeConnector.Account("a@acme.test");

    [Fact]
    public async Task Given_the_old_server_answers_only_once_the_new_one_is_asked_When_a_session_opens_Then_both_logins_run_at_once()
    {
        var connector = new GatedConnector();

        await using var session = await OpenAsync(connector);

        Assert.Same(connector.Source, session.Source);
        Assert.Same(connector.Destination, session.Destination);
    }

    [Fact]
    public async Task Given_the_new_server_refuses_the_login_When_a_session_opens_Then_the_old_connection_is_closed_and_the_refusal_reported()
    {
        var connector = new GatedConnector { RefuseNew = true };

        var error = await Assert.ThrowsAsync<AuthenticationFailedException>(() => OpenAsync(connector));

        Assert.Contains("new", error.Message, StringComparison.Ordinal);
        Assert.True(connector.Source.Disposed);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Given_the_old_server_refuses_When_a_session_opens_Then_the_new_connection_is_closed_and_the_old_servers_error_wins(bool refuseNew)
    {
        var connector = new GatedConnector { RefuseOld = true, RefuseNew = refuseNew };

        var error = await Assert.ThrowsAsync<AuthenticationFailedException>(() => OpenAsync(connector));

        Assert.Contains("old", error.Message, StringComparison.Ordinal);
        // A refused login leaves nothing to close; an accepted one is closed.
        Assert.Equal(!refuseNew, connector.Destination.Disposed);
    }

    /// <summary>Opened one login after the other, the gated connector would never answer: a timeout fails the test instead.</summary>
    private static Task<MailSession> OpenAsync(GatedConnector connector) =>
        MailSession.OpenAsync(connector, Account, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

    /// <summary>The old server's login completes only after the new server's has been asked for (sequential opening would hang).</summary>
    private sealed class GatedConnector : IAccountConnector
    {
        private readonly TaskCompletionSource _newAsked = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly (FakeServer Old, FakeServer New) _servers = (new FakeServer("INBOX", '.'), new FakeServer("", '/'));

        public bool RefuseOld { get; init; }
        public bool RefuseNew { get; init; }
        public FakeMailSource Source { get; private set; } = null!;
        public FakeMailDestination Destination { get; private set; } = null!;

        public async Task<IMailSource> OpenSourceAsync(AccountDefinition account, CancellationToken cancellationToken)
        {
            await _newAsked.Task.WaitAsync(cancellationToken);
            Source = new FakeMailSource(_servers.Old);
            return RefuseOld ? throw new AuthenticationFailedException("old (127.0.0.1:1): login refused") : Source;
        }

        public Task<IMailDestination> OpenDestinationAsync(AccountDefinition account, CancellationToken cancellationToken)
        {
            _newAsked.TrySetResult();
            Destination = new FakeMailDestination(_servers.New, new FakeDestinationBehaviour());
            // Thrown before any await, as a connector may: the session must still close the old connection.
            return RefuseNew ? throw new AuthenticationFailedException("new (127.0.0.1:1): login refused") : Task.FromResult<IMailDestination>(Destination);
        }
    }
}
