using MailKit;
using MailKit.Net.Imap;
using Runbook.Adapters.Mail.Connection;
using Runbook.Adapters.Mail.Raw;
using Runbook.Errors;

namespace Runbook.Adapters.Mail.Imap;

/// <summary>Reading back what an APPEND stored: on the raw connection when nothing else needs it meanwhile, else through MailKit.</summary>
internal sealed partial class ImapMailDestination
{
    public Task<IReadOnlyList<StoredMessage>> ReadStoredAsync(
        string path, IReadOnlyList<uint> uids, IReadOnlySet<uint> hash, bool appendsFollow, CancellationToken cancellationToken) =>
        MailOperation.RunAsync(_endpoint, $"reading back what {path} stored", async () =>
        {
            if (uids.Count == 0)
            {
                return (IReadOnlyList<StoredMessage>)[];
            }

            var name = ImapFolderPath.ToServerName(path, await GetNamespaceAsync(cancellationToken));
            // Beside further appends the raw connection is busy: the read-back goes to a second one, as it does once that is open.
            return appendsFollow || _client is not null
                ? await ReadThroughMailKitAsync(path, uids, hash, cancellationToken)
                : await WithRawAsync(raw => ReadRawAsync(raw, name, uids, hash, cancellationToken), cancellationToken);
        });

    private async Task<IReadOnlyList<StoredMessage>> ReadRawAsync(
        RawImapConnection raw, string name, IReadOnlyList<uint> uids, IReadOnlySet<uint> hash, CancellationToken cancellationToken)
    {
        var (_, examined) = await raw.RunAsync($"EXAMINE {ImapSyntax.Mailbox(name)}", cancellationToken);
        if (examined.Status != ImapStatus.Ok)
        {
            return await RawFolderListing.ExistsAsync(raw, name, cancellationToken)
                ? throw new StepFailedException($"{_endpoint}: EXAMINE {name} refused: {examined.Reason}", retryable: false)
                : [];
        }

        var sizes = await raw.FetchSizesAsync(uids, cancellationToken);
        var stored = sizes.ToDictionary(s => s.Key, s => new StoredMessage(s.Key, s.Value));
        var wanted = uids.Where(u => hash.Contains(u) && stored.ContainsKey(u)).ToList();
        if (wanted.Count > 0)
        {
            var sinks = new Dictionary<uint, StoredBytes.Sink>();
            await raw.FetchBodiesAsync(wanted, uid => sinks[uid] = new StoredBytes.Sink(), cancellationToken);
            foreach (var (uid, sink) in sinks)
            {
                stored[uid] = sink.Stored(uid);
            }
        }

        return [.. uids.Where(stored.ContainsKey).Select(u => stored[u])];
    }

    private async Task<IReadOnlyList<StoredMessage>> ReadThroughMailKitAsync(string path, IReadOnlyList<uint> uids, IReadOnlySet<uint> hash, CancellationToken cancellationToken)
    {
        if (await OpenUpdatedAsync(path, cancellationToken) is not { } folder)
        {
            return [];
        }

        var sizes = await folder.FetchAsync([.. uids.Select(u => new UniqueId(folder.UidValidity, u))], MessageSummaryItems.UniqueId | MessageSummaryItems.Size, cancellationToken);
        var stored = sizes.ToDictionary(s => s.UniqueId.Id, s => new StoredMessage(s.UniqueId.Id, (long)(s.Size ?? 0)));
        var wanted = uids.Where(u => hash.Contains(u) && stored.ContainsKey(u)).Select(u => new UniqueId(folder.UidValidity, u)).ToList();
        if (wanted.Count > 0)
        {
            await ((ImapFolder)folder).GetStreamsAsync(wanted, async (_, _, uid, stream, token) =>
                stored[uid.Id] = await StoredBytes.ReadAsync(uid.Id, stream, token), cancellationToken);
        }

        return [.. uids.Where(stored.ContainsKey).Select(u => stored[u])];
    }
}
