using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using Runbook.Adapters.Mail.Connection;

namespace Runbook.Adapters.Mail.Imap;

/// <summary>Reads an old IMAP server. Folders are only ever EXAMINEd; bytes come from BODY.PEEK[] in bounded chunks.</summary>
internal sealed class ImapMailSource : IMailSource
{
    /// <summary>Bytes per partial fetch: memory per copy stays near this, whatever the message size.</summary>
    internal const int ChunkSize = 1024 * 1024;

    private readonly ImapClient _client;
    private readonly MailEndpoint _endpoint;
    private IMailFolder? _open;

    private ImapMailSource(ImapClient client, MailEndpoint endpoint)
    {
        _client = client;
        _endpoint = endpoint;
    }

    public static async Task<ImapMailSource> ConnectAsync(MailEndpoint endpoint, MailLogin login, CancellationToken cancellationToken)
    {
        var client = new ImapClient();
        try
        {
            await MailServiceConnection.ConnectAsync(client, endpoint, login, cancellationToken);
            return new ImapMailSource(client, endpoint);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public Task<MailNamespace> GetNamespaceAsync(CancellationToken cancellationToken) =>
        Task.FromResult(ImapNamespaces.Personal(_client));

    public Task<IReadOnlyList<SourceFolder>> ListFoldersAsync(CancellationToken cancellationToken) =>
        MailOperation.RunAsync(_endpoint, "listing folders", () => ImapNamespaces.ListAsync(_client, cancellationToken));

    public Task<SourceFolderStatus> GetStatusAsync(string folder, CancellationToken cancellationToken) =>
        MailOperation.RunAsync(_endpoint, $"reading status of {folder}", async () =>
        {
            var open = await ExamineAsync(folder, refresh: true, cancellationToken);
            long bytes = 0;
            if (open.Count > 0)
            {
                var sizes = await open.FetchAsync(0, -1, new FetchRequest(MessageSummaryItems.Size), cancellationToken);
                bytes = sizes.Sum(s => (long)(s.Size ?? 0));
            }
            return new SourceFolderStatus(open.FullName, open.UidValidity, open.Count, bytes);
        });

    public Task<IReadOnlyList<SourceMessage>> ListMessagesAsync(string folder, uint afterUid, CancellationToken cancellationToken) =>
        MailOperation.RunAsync(_endpoint, $"listing messages of {folder}", async () =>
        {
            var open = await ExamineAsync(folder, refresh: true, cancellationToken);
            if (open.Count == 0 || afterUid == uint.MaxValue)
            {
                return (IReadOnlyList<SourceMessage>)[];
            }
            var range = new UniqueIdRange(new UniqueId(afterUid + 1), UniqueId.MaxValue);
            var summaries = await open.FetchAsync(range, ImapSourceMapping.ListingRequest(), cancellationToken);
            // "UID n:*" also returns the highest message when n is past it, so filter again.
            return summaries.Where(s => s.UniqueId.Id > afterUid).OrderBy(s => s.UniqueId.Id).Select(ImapSourceMapping.Message).ToList();
        });

    public Task CopyRawAsync(string folder, SourceMessage message, Stream destination, CancellationToken cancellationToken) =>
        MailOperation.RunAsync(_endpoint, $"reading message {message.Uid} of {folder}", async () =>
        {
            var open = await ExamineAsync(folder, refresh: false, cancellationToken);
            var uid = new UniqueId(open.UidValidity, message.Uid);
            for (var offset = 0; ; offset += ChunkSize)
            {
                using var chunk = await open.GetStreamAsync(uid, offset, ChunkSize, cancellationToken);
                var copied = await CopyCountingAsync(chunk, destination, cancellationToken);
                if (copied < ChunkSize)
                {
                    return;
                }
            }
        });

    /// <summary>
    /// Messages up to one chunk come in one pipelined <c>UID FETCH BODY.PEEK[]</c> (MailKit hands each literal to the
    /// callback, so at most one chunk is held); larger ones go through the chunked path of <see cref="CopyRawAsync"/>.
    /// </summary>
    public async Task CopyRawManyAsync(string folder, IReadOnlyList<SourceMessage> messages, Func<SourceMessage, Stream> open, CancellationToken cancellationToken)
    {
        var small = messages.Where(m => m.Size <= ChunkSize).ToList();
        if (small.Count > 1)
        {
            await MailOperation.RunAsync(_endpoint, $"reading {small.Count} messages of {folder}", async () =>
            {
                var opened = await ExamineAsync(folder, refresh: false, cancellationToken);
                if (opened is not ImapFolder imap)
                {
                    throw new InvalidOperationException("an IMAP folder was expected");
                }
                var byUid = small.ToDictionary(m => m.Uid);
                var uids = small.Select(m => new UniqueId(imap.UidValidity, m.Uid)).ToList();
                await imap.GetStreamsAsync(uids, async (_, _, uid, stream, token) =>
                {
                    await using var target = open(byUid[uid.Id]);
                    await stream.CopyToAsync(target, token);
                }, cancellationToken);
            });
        }

        foreach (var message in small.Count > 1 ? messages.Where(m => m.Size > ChunkSize) : messages)
        {
            await using var target = open(message);
            await CopyRawAsync(folder, message, target, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync() => await MailServiceConnection.DisconnectQuietlyAsync(_client);

    /// <summary>Opens the folder read-only; <paramref name="refresh"/> re-EXAMINEs so counts include mail that arrived since (delta sync).</summary>
    private async Task<IMailFolder> ExamineAsync(string folder, bool refresh, CancellationToken cancellationToken)
    {
        if (!refresh && _open is { IsOpen: true } && _open.FullName == folder)
        {
            return _open;
        }
        var target = await _client.GetFolderAsync(folder, cancellationToken);
        // ReadOnly makes MailKit send EXAMINE: the source's \Recent and flags stay untouched.
        await target.OpenAsync(FolderAccess.ReadOnly, cancellationToken);
        _open = target;
        return target;
    }

    private static async Task<long> CopyCountingAsync(Stream source, Stream destination, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            total += read;
        }
        return total;
    }
}
