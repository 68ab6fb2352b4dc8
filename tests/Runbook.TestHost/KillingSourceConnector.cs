using Runbook.Adapters.Mail;

namespace Runbook.TestHost;

/// <summary>
/// With RUNBOOK_TEST_SOURCE_KILLS=1, sources get kill points before and after every batch fetch, so a test can SIGKILL
/// a backup between batches and just before a fetched batch is written. Off by default, so the migration tests'
/// numbering of APPEND kill points stays as it is.
/// </summary>
internal sealed class KillingSourceConnector(IMailConnector inner, KillPoints points) : IMailConnector
{
    private readonly bool _enabled = Environment.GetEnvironmentVariable("RUNBOOK_TEST_SOURCE_KILLS") == "1";

    public async Task<IMailSource> OpenSourceAsync(SourceProtocol protocol, MailEndpoint endpoint, MailLogin login, CancellationToken cancellationToken)
    {
        var source = await inner.OpenSourceAsync(protocol, endpoint, login, cancellationToken);
        return _enabled ? new Source(source, points) : source;
    }

    public Task<IMailDestination> OpenDestinationAsync(MailEndpoint endpoint, MailLogin login, CancellationToken cancellationToken) =>
        inner.OpenDestinationAsync(endpoint, login, cancellationToken);

    /// <summary>Preflight's probe as production opens it (the interface's default would open the full destination instead).</summary>
    public Task<IDestinationProbe> OpenDestinationProbeAsync(MailEndpoint endpoint, MailLogin login, CancellationToken cancellationToken) =>
        inner.OpenDestinationProbeAsync(endpoint, login, cancellationToken);

    public Task<SmtpProbeResult> ProbeSmtpAsync(MailEndpoint endpoint, MailLogin login, CancellationToken cancellationToken) =>
        inner.ProbeSmtpAsync(endpoint, login, cancellationToken);

    private sealed class Source(IMailSource inner, KillPoints points) : IMailSource
    {
        public Task<MailNamespace> GetNamespaceAsync(CancellationToken cancellationToken) => inner.GetNamespaceAsync(cancellationToken);

        public Task<IReadOnlyList<SourceFolder>> ListFoldersAsync(CancellationToken cancellationToken) => inner.ListFoldersAsync(cancellationToken);

        public Task<SourceFolderStatus> GetStatusAsync(string folder, CancellationToken cancellationToken) => inner.GetStatusAsync(folder, cancellationToken);

        public Task<FolderIndex> IndexAsync(string folder, CancellationToken cancellationToken) => inner.IndexAsync(folder, cancellationToken);

        public Task<FolderStatus?> GetFolderStatusAsync(string folder, CancellationToken cancellationToken) => inner.GetFolderStatusAsync(folder, cancellationToken);

        public Task<FolderIndex> IndexChangesAsync(string folder, uint uidNext, ulong? changedSince, CancellationToken cancellationToken) =>
            inner.IndexChangesAsync(folder, uidNext, changedSince, cancellationToken);

        public Task<IReadOnlyList<SourceMessage>> DescribeAsync(string folder, IReadOnlyList<MessageRef> messages, CancellationToken cancellationToken) =>
            inner.DescribeAsync(folder, messages, cancellationToken);

        public Task CopyRawAsync(string folder, SourceMessage message, Stream destination, CancellationToken cancellationToken) =>
            inner.CopyRawAsync(folder, message, destination, cancellationToken);

        public async Task CopyRawManyAsync(string folder, IReadOnlyList<SourceMessage> messages, Func<SourceMessage, Stream> openDestination, CancellationToken cancellationToken)
        {
            points.Reach($"before fetch of {messages.Count} from {folder}", cancellationToken);
            await inner.CopyRawManyAsync(folder, messages, openDestination, cancellationToken);
            points.Reach($"after fetch of {messages.Count} from {folder}", cancellationToken);
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
