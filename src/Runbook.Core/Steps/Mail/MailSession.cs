using Runbook.Adapters.Mail;
using Runbook.Plan.Model;

namespace Runbook.Steps.Mail;

/// <summary>Opens the old and new server for one account. The adapters decide IMAP or POP3 and TLS from the plan.</summary>
internal interface IAccountConnector
{
    Task<IMailSource> OpenSourceAsync(AccountDefinition account, CancellationToken cancellationToken);
    Task<IMailDestination> OpenDestinationAsync(AccountDefinition account, CancellationToken cancellationToken);
}

/// <summary>One account's pair of connections; reconnects after a dropped connection.</summary>
internal sealed class MailSession : IAsyncDisposable
{
    private readonly IAccountConnector _connector;
    private readonly AccountDefinition _account;

    private MailSession(IAccountConnector connector, AccountDefinition account, IMailSource source, IMailDestination destination)
    {
        _connector = connector;
        _account = account;
        Source = source;
        Destination = destination;
    }

    public IMailSource Source { get; private set; }
    public IMailDestination Destination { get; private set; }

    public static async Task<MailSession> OpenAsync(IAccountConnector connector, AccountDefinition account, CancellationToken cancellationToken)
    {
        var source = await connector.OpenSourceAsync(account, cancellationToken);
        try
        {
            var destination = await connector.OpenDestinationAsync(account, cancellationToken);
            return new MailSession(connector, account, source, destination);
        }
        catch
        {
            await source.DisposeAsync();
            throw;
        }
    }

    /// <summary>True after a failure left a connection in an unknown state; the next unit reconnects first.</summary>
    public bool Broken { get; private set; }

    public void MarkBroken() => Broken = true;

    public async Task EnsureConnectedAsync(CancellationToken cancellationToken)
    {
        if (!Broken)
        {
            return;
        }

        await CloseQuietlyAsync();
        Source = await _connector.OpenSourceAsync(_account, cancellationToken);
        Destination = await _connector.OpenDestinationAsync(_account, cancellationToken);
        Broken = false;
    }

    public ValueTask DisposeAsync() => new(CloseQuietlyAsync());

    private async Task CloseQuietlyAsync()
    {
        foreach (var connection in new IAsyncDisposable[] { Source, Destination })
        {
            try
            {
                await connection.DisposeAsync();
            }
#pragma warning disable CA1031 // A connection that already broke may fail to close; the reconnect is what matters.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }
}
