using MailKit;
using MailKit.Net.Imap;
using Runbook.Adapters.Mail.Connection;

namespace Runbook.Adapters.Mail.Imap;

/// <summary>
/// A read-only IMAP source for readers that fetch every body anyway (verify): <see cref="DescribeAsync"/> fetches only
/// UID, FLAGS, INTERNALDATE and RFC822.SIZE, and leaves the identity fields empty (Message-ID null, header digest "")
/// because the caller derives them from the bytes it reads; fetching every header block as well would read the
/// headers twice. Folders are only EXAMINEd; bodies come from BODY.PEEK[], small ones in one pipelined FETCH.
/// </summary>
internal sealed class ImapBodyReader : IMailSource
{
    private readonly ImapClient _client;
    private readonly MailEndpoint _endpoint;
    private ImapFolder? _open;

    private ImapBodyReader(ImapClient client, MailEndpoint endpoint)
    {
        _client = client;
        _endpoint = endpoint;
    }

    public static async Task<IMailSource> ConnectAsync(MailEndpoint endpoint, MailLogin login, CancellationToken cancellationToken)
    {
        var client = new ImapClient(new ServerReplyRecorder());
        try
        {
            await MailServiceConnection.ConnectAsync(client, endpoint, login, cancellationToken);
            return new ImapBodyReader(client, endpoint);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public Task<MailNamespace> GetNamespaceAsync(CancellationToken cancellationToken) => Task.FromResult(ImapNamespaces.Personal(_client));

    public Task<IReadOnlyList<SourceFolder>> ListFoldersAsync(CancellationToken cancellationToken) =>
        MailOperation.RunAsync(_endpoint, "listing folders", () => ImapNamespaces.ListAsync(_client, cancellationToken));

    public Task<SourceFolderStatus> GetStatusAsync(string folder, CancellationToken cancellationToken) =>
        MailOperation.RunAsync(_endpoint, $"reading status of {folder}", async () =>
        {
            var open = await ExamineAsync(folder, refresh: true, cancellationToken);
            var sizes = open.Count == 0 ? [] : await open.FetchAsync(0, -1, new FetchRequest(MessageSummaryItems.Size), cancellationToken);
            return new SourceFolderStatus(open.FullName, open.UidValidity, open.Count, sizes.Sum(s => (long)(s.Size ?? 0)));
        });

    public Task<FolderIndex> IndexAsync(string folder, CancellationToken cancellationToken) =>
        MailOperation.RunAsync(_endpoint, $"listing messages of {folder}", async () =>
            await ImapSourceMapping.IndexAsync(await ExamineAsync(folder, refresh: true, cancellationToken), cancellationToken));

    public Task<IReadOnlyList<SourceMessage>> DescribeAsync(string folder, IReadOnlyList<MessageRef> messages, CancellationToken cancellationToken) =>
        MailOperation.RunAsync(_endpoint, $"reading flags in {folder}", async () =>
        {
            if (messages.Count == 0)
            {
                return (IReadOnlyList<SourceMessage>)[];
            }

            var open = await ExamineAsync(folder, refresh: false, cancellationToken);
            var request = new FetchRequest(MessageSummaryItems.UniqueId | MessageSummaryItems.Size | MessageSummaryItems.Flags | MessageSummaryItems.InternalDate);
            var summaries = await open.FetchAsync([.. messages.Select(m => new UniqueId(open.UidValidity, m.Uid))], request, cancellationToken);
            return [.. summaries.OrderBy(s => s.UniqueId.Id).Select(s => ImapSourceMapping.Message(s, []) with { MessageId = null, HeaderDigest = "" })];
        });

    public Task CopyRawAsync(string folder, SourceMessage message, Stream destination, CancellationToken cancellationToken) =>
        MailOperation.RunAsync(_endpoint, $"reading message {message.Uid} of {folder}", async () =>
        {
            var open = await ExamineAsync(folder, refresh: false, cancellationToken);
            var uid = new UniqueId(open.UidValidity, message.Uid);
            for (var offset = 0; ; offset += ImapMailSource.ChunkSize)
            {
                using var chunk = await open.GetStreamAsync(uid, offset, ImapMailSource.ChunkSize, cancellationToken);
                var buffer = new byte[81920];
                long copied = 0;
                int read;
                while ((read = await chunk.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                    copied += read;
                }

                if (copied < ImapMailSource.ChunkSize)
                {
                    return;
                }
            }
        });

    /// <summary>Small messages in one UID FETCH BODY.PEEK[] (each written as it arrives), larger ones in 1 MB chunks.</summary>
    public Task CopyRawManyAsync(string folder, IReadOnlyList<SourceMessage> messages, Func<SourceMessage, Stream> openDestination, CancellationToken cancellationToken) =>
        MailOperation.RunAsync(_endpoint, $"reading {messages.Count} messages of {folder}", async () =>
        {
            var small = messages.Where(m => m.Size <= ImapMailSource.ChunkSize).ToDictionary(m => m.Uid);
            if (small.Count > 0)
            {
                var open = await ExamineAsync(folder, refresh: false, cancellationToken);
                var uids = small.Keys.Order().Select(uid => new UniqueId(open.UidValidity, uid)).ToList();
                await open.GetStreamsAsync(uids, async (_, _, uid, stream, token) =>
                {
                    await using var destination = openDestination(small[uid.Id]);
                    await stream.CopyToAsync(destination, token);
                }, cancellationToken);
            }

            foreach (var large in messages.Where(m => m.Size > ImapMailSource.ChunkSize))
            {
                await using var destination = openDestination(large);
                await CopyRawAsync(folder, large, destination, cancellationToken);
            }
        });

    public async ValueTask DisposeAsync() => await MailServiceConnection.DisconnectQuietlyAsync(_client);

    private async Task<ImapFolder> ExamineAsync(string folder, bool refresh, CancellationToken cancellationToken)
    {
        if (!refresh && _open is { IsOpen: true } && _open.FullName == folder)
        {
            return _open;
        }

        var target = (ImapFolder)await _client.GetFolderAsync(folder, cancellationToken);
        // ReadOnly makes MailKit send EXAMINE: \Recent and flags stay untouched, on the old server and the new.
        await target.OpenAsync(FolderAccess.ReadOnly, cancellationToken);
        _open = target;
        return target;
    }
}
