using Runbook.Adapters.Mail;

namespace Runbook.Tests.Steps.Mail.Fakes;

/// <summary>A read-only view of a fake old server, IMAP or POP3 (POP3: INBOX only, UIDLs, no UIDs).</summary>
internal sealed class FakeMailSource(FakeServer server, bool pop3 = false) : IMailSource
{
    public int Listings { get; private set; }

    /// <summary>Messages whose headers were read: what a pass that finds nothing new must not need.</summary>
    public int Described { get; private set; }

    public Task<MailNamespace> GetNamespaceAsync(CancellationToken cancellationToken) => Task.FromResult(server.Namespace);

    public Task<IReadOnlyList<SourceFolder>> ListFoldersAsync(CancellationToken cancellationToken) =>
        Task.FromResult(pop3 ? [new SourceFolder("INBOX", '/', true, null)] : server.List());

    public Task<SourceFolderStatus> GetStatusAsync(string folder, CancellationToken cancellationToken)
    {
        var f = server.Folders[folder];
        return Task.FromResult(new SourceFolderStatus(folder, pop3 ? 0 : f.UidValidity, f.Messages.Count, f.Messages.Sum(m => (long)m.Bytes.Length)));
    }

    public async Task<FolderIndex> IndexAsync(string folder, CancellationToken cancellationToken)
    {
        Listings++;
        if (server.Hanging.Contains(folder))
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        var f = server.Folders[folder];
        // As IMAP's EXAMINE reports it: before the listing, so mail arriving during the listing is not in it.
        var opened = Status(f);
        if (server.OnNextListing is { } arrive)
        {
            server.OnNextListing = null;
            arrive(f);
        }

        return new FolderIndex(pop3 ? 0 : f.UidValidity, [.. f.Messages.Select(m => FakeServer.ToSource(m, pop3)).Select(m => new MessageRef(m.SourceId, m.Uid))]) { Opened = opened };
    }

    /// <summary>Folders asked only for what changed (UIDs from a UIDNEXT on, flags changed since a mod-sequence).</summary>
    public int ChangeListings { get; private set; }

    /// <summary>STATUS asked of folders (a first pass takes each folder's from the EXAMINE its listing opens it with).</summary>
    public int StatusQueries { get; private set; }

    public Task<FolderStatus?> GetFolderStatusAsync(string folder, CancellationToken cancellationToken)
    {
        StatusQueries++;
        return Task.FromResult(Status(server.Folders[folder]));
    }

    private FolderStatus? Status(FakeFolder f) =>
        pop3 ? null : new FolderStatus(f.UidValidity, f.NextUid, f.Messages.Count, server.CondStore ? f.HighestModSeq : null);

    public Task<FolderIndex> IndexChangesAsync(string folder, uint uidNext, ulong? changedSince, CancellationToken cancellationToken)
    {
        ChangeListings++;
        var f = server.Folders[folder];
        var changed = f.Messages.Where(m => m.Uid >= uidNext || (changedSince is { } modseq && m.ModSeq > modseq));
        return Task.FromResult(new FolderIndex(f.UidValidity, [.. changed.Select(m => new MessageRef(m.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture), m.Uid))]));
    }

    public Task<IReadOnlyList<SourceMessage>> DescribeAsync(string folder, IReadOnlyList<MessageRef> messages, CancellationToken cancellationToken)
    {
        Described += messages.Count;
        var wanted = messages.Select(m => m.SourceId).ToHashSet(StringComparer.Ordinal);
        return Task.FromResult<IReadOnlyList<SourceMessage>>(
            [.. server.Folders[folder].Messages.Select(m => FakeServer.ToSource(m, pop3)).Where(m => wanted.Contains(m.SourceId))]);
    }

    public async Task CopyRawAsync(string folder, SourceMessage message, Stream destination, CancellationToken cancellationToken)
    {
        var found = server.Folders[folder].Messages.Single(m => FakeServer.ToSource(m, pop3).SourceId == message.SourceId);
        await destination.WriteAsync(found.Bytes, cancellationToken);
    }

    public bool Disposed { get; private set; }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }
}
