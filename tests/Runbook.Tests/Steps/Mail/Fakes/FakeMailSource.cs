using Runbook.Adapters.Mail;

namespace Runbook.Tests.Steps.Mail.Fakes;

/// <summary>A read-only view of a fake old server, IMAP or POP3 (POP3: INBOX only, UIDLs, no UIDs).</summary>
internal sealed class FakeMailSource(FakeServer server, bool pop3 = false) : IMailSource
{
    public int Listings { get; private set; }

    public Task<MailNamespace> GetNamespaceAsync(CancellationToken cancellationToken) => Task.FromResult(server.Namespace);

    public Task<IReadOnlyList<SourceFolder>> ListFoldersAsync(CancellationToken cancellationToken) =>
        Task.FromResult(pop3 ? [new SourceFolder("INBOX", '/', true, null)] : server.List());

    public Task<SourceFolderStatus> GetStatusAsync(string folder, CancellationToken cancellationToken)
    {
        var f = server.Folders[folder];
        return Task.FromResult(new SourceFolderStatus(folder, pop3 ? 0 : f.UidValidity, f.Messages.Count, f.Messages.Sum(m => (long)m.Bytes.Length)));
    }

    public async Task<IReadOnlyList<SourceMessage>> ListMessagesAsync(string folder, uint afterUid, CancellationToken cancellationToken)
    {
        Listings++;
        if (server.Hanging.Contains(folder))
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        var messages = server.Folders[folder].Messages.Where(m => pop3 || m.Uid > afterUid);
        return [.. messages.Select(m => FakeServer.ToSource(m, pop3))];
    }

    public async Task CopyRawAsync(string folder, SourceMessage message, Stream destination, CancellationToken cancellationToken)
    {
        var found = server.Folders[folder].Messages.Single(m => FakeServer.ToSource(m, pop3).SourceId == message.SourceId);
        await destination.WriteAsync(found.Bytes, cancellationToken);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
