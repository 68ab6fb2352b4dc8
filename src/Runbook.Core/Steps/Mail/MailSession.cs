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

    /// <summary>
    /// Both servers are logged in to at once: a login is a round trip or more on each, and every pass of every account
    /// pays them. When either fails, the other is closed and the old server's error, if it had one, is the one reported.
    /// </summary>
    public static async Task<MailSession> OpenAsync(IAccountConnector connector, AccountDefinition account, CancellationToken cancellationToken)
    {
        var source = Started(() => connector.OpenSourceAsync(account, cancellationToken));
        var destination = Started(() => connector.OpenDestinationAsync(account, cancellationToken));
        try
        {
            await Task.WhenAll(source, destination);
        }
        catch
        {
            await CloseOpenedAsync(source);
            await CloseOpenedAsync(destination);
            await (source.IsFaulted || source.IsCanceled ? (Task)source : destination);
            throw;
        }
        return new MailSession(connector, account, source.Result, destination.Result);
    }

    /// <summary>The opening as a task, even when the connector throws before its first await.</summary>
    private static async Task<T> Started<T>(Func<Task<T>> open) => await open();

    private static async Task CloseOpenedAsync<T>(Task<T> opening) where T : IAsyncDisposable
    {
        if (opening.IsCompletedSuccessfully)
        {
            await CloseQuietlyAsync(opening.Result);
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
        await CloseQuietlyAsync(Source);
        await CloseQuietlyAsync(Destination);
    }

    private static async Task CloseQuietlyAsync(IAsyncDisposable connection)
    {
        try
        {
            await connection.DisposeAsync();
        }
#pragma warning disable CA1031 // A connection that already broke may fail to close; the reconnect (or the first error) is what matters.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
