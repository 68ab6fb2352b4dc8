using Runbook.Adapters.Mail;

namespace Runbook.TestHost;

/// <summary>
/// The real mail connector with kill points around every APPEND batch, so a test can SIGKILL <c>runbook apply</c>
/// just before a batch is sent and just after the new server confirmed it (before the checkpoint is saved).
/// </summary>
internal sealed class KillingMailConnector(IMailConnector inner, KillPoints points) : IMailConnector
{
    public Task<IMailSource> OpenSourceAsync(SourceProtocol protocol, MailEndpoint endpoint, MailLogin login, CancellationToken cancellationToken) =>
        inner.OpenSourceAsync(protocol, endpoint, login, cancellationToken);

    public async Task<IMailDestination> OpenDestinationAsync(MailEndpoint endpoint, MailLogin login, CancellationToken cancellationToken) =>
        new Destination(await inner.OpenDestinationAsync(endpoint, login, cancellationToken), points);

    /// <summary>Preflight's probe as production opens it (the interface's default would open the full destination instead).</summary>
    public Task<IDestinationProbe> OpenDestinationProbeAsync(MailEndpoint endpoint, MailLogin login, CancellationToken cancellationToken) =>
        inner.OpenDestinationProbeAsync(endpoint, login, cancellationToken);

    public Task<SmtpProbeResult> ProbeSmtpAsync(MailEndpoint endpoint, MailLogin login, CancellationToken cancellationToken) =>
        inner.ProbeSmtpAsync(endpoint, login, cancellationToken);

    private sealed class Destination(IMailDestination inner, KillPoints points) : IMailDestination
    {
        public DestinationCapabilities Capabilities => inner.Capabilities;

        public Task<MailNamespace> GetNamespaceAsync(CancellationToken cancellationToken) => inner.GetNamespaceAsync(cancellationToken);

        public Task<IReadOnlyList<SourceFolder>> ListFoldersAsync(CancellationToken cancellationToken) => inner.ListFoldersAsync(cancellationToken);

        public Task EnsureFolderAsync(string path, CancellationToken cancellationToken) => inner.EnsureFolderAsync(path, cancellationToken);

        public Task<FolderIndex?> IndexAsync(string path, CancellationToken cancellationToken) => inner.IndexAsync(path, cancellationToken);

        public Task<FolderStatus?> GetStatusAsync(string path, CancellationToken cancellationToken) => inner.GetStatusAsync(path, cancellationToken);

        public Task<IReadOnlyList<DestinationMessage>> DescribeAsync(string path, IReadOnlyList<uint> uids, CancellationToken cancellationToken) =>
            inner.DescribeAsync(path, uids, cancellationToken);

        public async Task<IReadOnlyList<AppendResult>> AppendAsync(string path, IReadOnlyList<AppendItem> batch, CancellationToken cancellationToken)
        {
            points.Reach($"before append of {batch.Count} to {path}", cancellationToken);
            var results = await inner.AppendAsync(path, batch, cancellationToken);
            points.Reach($"after append of {batch.Count} to {path}", cancellationToken);
            return results;
        }

        public Task<IReadOnlyList<StoredMessage>> ReadStoredAsync(
            string path, IReadOnlyList<uint> uids, IReadOnlySet<uint> hash, bool appendsFollow, CancellationToken cancellationToken) =>
            inner.ReadStoredAsync(path, uids, hash, appendsFollow, cancellationToken);


        public Task<MailQuota?> GetQuotaAsync(CancellationToken cancellationToken) => inner.GetQuotaAsync(cancellationToken);

        public Task<ServerIdentity?> IdentifyAsync(CancellationToken cancellationToken) => inner.IdentifyAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
