using Runbook.Adapters.Mail;

namespace Runbook.Tests.Steps.Mail.Fakes;

/// <summary>A fake new server: stores exact bytes, can refuse large messages and keywords, can drop the connection mid-APPEND.</summary>
internal sealed class FakeMailDestination(FakeServer server, FakeDestinationBehaviour behaviour) : IMailDestination
{
    public DestinationCapabilities Capabilities { get; } = new(true, true, true, false, behaviour.AppendLimit, true);

    public Task<MailNamespace> GetNamespaceAsync(CancellationToken cancellationToken) => Task.FromResult(server.Namespace);

    public Task<IReadOnlyList<SourceFolder>> ListFoldersAsync(CancellationToken cancellationToken)
    {
        // Several accounts' connections share one behaviour at once: the countdown must not let two through for one.
        bool drop;
        lock (behaviour)
        {
            drop = behaviour.DropFolderListings > 0;
            behaviour.DropFolderListings -= drop ? 1 : 0;
            behaviour.FolderListings++;
        }

        if (drop)
        {
            throw new Runbook.Errors.StepFailedException("new (127.0.0.1:1): connection lost while listing folders", retryable: true);
        }

        return Task.FromResult(server.List());
    }

    public Task EnsureFolderAsync(string path, CancellationToken cancellationToken)
    {
        server.Folder(path);
        return Task.CompletedTask;
    }

    public Task<FolderIndex?> IndexAsync(string path, CancellationToken cancellationToken) =>
        Task.FromResult(server.Folders.TryGetValue(path, out var folder)
            ? new FolderIndex(folder.UidValidity, [.. folder.Messages.Select(m => new MessageRef(m.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture), m.Uid))])
            : null);

    public Task<FolderStatus?> GetStatusAsync(string path, CancellationToken cancellationToken) =>
        Task.FromResult(server.Folders.TryGetValue(path, out var folder) ? new FolderStatus(folder.UidValidity, folder.NextUid, folder.Messages.Count, null) : null);

    public Task<IReadOnlyList<DestinationMessage>> DescribeAsync(string path, IReadOnlyList<uint> uids, CancellationToken cancellationToken)
    {
        lock (behaviour)
        {
            behaviour.DestinationListings++;
        }

        var wanted = uids.ToHashSet();
        return Task.FromResult<IReadOnlyList<DestinationMessage>>(
            [.. server.Folders[path].Messages.Where(m => wanted.Contains(m.Uid)).Select(m => new DestinationMessage(m.Uid, m.MessageId, m.Digest, m.Bytes.Length))]);
    }

    public async Task<IReadOnlyList<AppendResult>> AppendAsync(string path, IReadOnlyList<AppendItem> batch, CancellationToken cancellationToken)
    {
        var folder = server.Folders[path];
        var results = new List<AppendResult>();
        foreach (var item in batch)
        {
            lock (behaviour)
            {
                if (behaviour.DropConnectionAfter is { } n && behaviour.Appended >= n)
                {
                    behaviour.DropConnectionAfter = null;
                    throw new IOException("connection reset by peer (fake)");
                }
            }

            if (behaviour.MaxMessageSize is { } max && item.Size > max)
            {
                results.Add(new AppendResult(item, AppendStatus.Rejected, null, "[TOOBIG] message too large", []));
                continue;
            }

            using var stream = item.OpenContent();
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy, cancellationToken);
            var dropped = item.Keywords.Where(behaviour.RefusedKeywords.Contains).ToList();
            var bytes = behaviour.EightBitHeaderToX ? Cyrus(copy.ToArray()) : copy.ToArray();
            var stored = folder.AddBytes(bytes, item.Source.MessageId,
                item.Flags, [.. item.Keywords.Except(dropped)], item.InternalDate);
            lock (behaviour)
            {
                server.Writes++;
                behaviour.Appended++;
            }

            results.Add(new AppendResult(item, AppendStatus.Stored, stored.Uid, null, dropped));
        }

        return results;
    }


    public Task<IReadOnlyList<StoredMessage>> ReadStoredAsync(string path, IReadOnlyList<uint> uids, IReadOnlySet<uint> hash, bool appendsFollow, CancellationToken cancellationToken)
    {
        lock (behaviour)
        {
            behaviour.StoredReads++;
        }

        var messages = server.Folders[path].Messages.Where(m => uids.Contains(m.Uid));
        return Task.FromResult<IReadOnlyList<StoredMessage>>([.. messages.Select(m => hash.Contains(m.Uid)
            ? new StoredMessage(m.Uid, m.Bytes.Length, System.Security.Cryptography.SHA256.HashData(m.Bytes), m.Bytes)
            : new StoredMessage(m.Uid, m.Bytes.Length))]);
    }

    /// <summary>What Cyrus does by default: every 8-bit byte in the header becomes 'X', the size stays.</summary>
    private static byte[] Cyrus(byte[] bytes)
    {
        var end = Runbook.Adapters.Mail.HeaderBlock.End(bytes);
        var result = (byte[])bytes.Clone();
        for (var i = 0; i < end; i++)
        {
            result[i] = result[i] >= 0x80 ? (byte)'X' : result[i];
        }

        return result;
    }

    public Task<MailQuota?> GetQuotaAsync(CancellationToken cancellationToken) =>
        Task.FromResult(behaviour.Quota ?? (behaviour.QuotaBytes is { } limit ? new MailQuota(limit, server.Folders.Values.Sum(f => f.Messages.Sum(m => (long)m.Bytes.Length)), null, null) : null));

    public Task<ServerIdentity?> IdentifyAsync(CancellationToken cancellationToken) =>
        Task.FromResult(behaviour.Identity ?? (behaviour.EightBitHeaderToX ? new ServerIdentity("Cyrus IMAP (fake)") : null));

    public bool Disposed { get; private set; }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }
}

/// <summary>Knobs and counters shared by every connection to one fake destination.</summary>
internal sealed class FakeDestinationBehaviour
{
    public long? AppendLimit { get; init; }
    public long? MaxMessageSize { get; init; }
    public long? QuotaBytes { get; init; }
    /// <summary>The quota exactly as the adapter would return it (wins over <see cref="QuotaBytes"/>).</summary>
    public MailQuota? Quota { get; init; }
    public ServerIdentity? Identity { get; init; }
    public HashSet<string> RefusedKeywords { get; init; } = [];
    /// <summary>Throws once, after this many messages in total were stored, as a reset connection would.</summary>
    public int? DropConnectionAfter { get; set; }
    /// <summary>How many folder listings still fail as a lost connection would (retryable), one each.</summary>
    public int DropFolderListings { get; set; }
    public int Appended { get; set; }
    public int DestinationListings { get; set; }
    /// <summary>How many times the new server's folder list was asked for (a dropped listing counts too).</summary>
    public int FolderListings { get; set; }
    /// <summary>Stores every 8-bit header byte as 'X', as Cyrus does.</summary>
    public bool EightBitHeaderToX { get; init; }
    public int StoredReads { get; set; }
}
