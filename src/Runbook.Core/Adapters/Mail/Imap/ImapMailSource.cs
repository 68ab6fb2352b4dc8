using MailKit;
using MailKit.Net.Imap;
using Runbook.Adapters.Mail.Connection;

namespace Runbook.Adapters.Mail.Imap;

/// <summary>Reads an old IMAP server. Folders are only ever EXAMINEd; bytes come from BODY.PEEK[] in bounded chunks.</summary>
internal sealed partial class ImapMailSource : IMailSource
{
    /// <summary>Bytes per partial fetch: memory per copy stays near this, whatever the message size.</summary>
    internal const int ChunkSize = 1024 * 1024;

    private readonly ImapClient _client;
    private readonly MailEndpoint _endpoint;
    private IMailFolder? _open;
    /// <summary>Statuses the folder listing brought (LIST-STATUS), each handed out once by <see cref="GetFolderStatusAsync"/>.</summary>
    private Dictionary<string, FolderStatus> _listed = [];
    /// <summary>Sizes the listing for preflight brought (LIST-STATUS with SIZE), each handed out once by <see cref="GetStatusAsync"/>.</summary>
    private Dictionary<string, SourceFolderStatus> _listedSizes = [];
    /// <summary>Nothing listed, opened or asked the status of yet: only then may a listing take statuses (see <see cref="ImapNamespaces.ListWithStatusAsync"/>).</summary>
    private bool _fresh = true;

    private ImapMailSource(ImapClient client, MailEndpoint endpoint, MailLogin login)
    {
        _client = client;
        _endpoint = endpoint;
        _login = login;
    }

    public static async Task<ImapMailSource> ConnectAsync(MailEndpoint endpoint, MailLogin login, CancellationToken cancellationToken)
    {
        // The recorder keeps the login's reply: MailKit drops its [UNAVAILABLE] code, which means "busy", not "wrong password".
        var client = new ImapClient(new ServerReplyRecorder());
        try
        {
            await MailServiceConnection.ConnectAsync(client, endpoint, login, cancellationToken);
            return new ImapMailSource(client, endpoint, login);
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
        MailOperation.RunAsync(_endpoint, "listing folders", async () =>
        {
            var (modSeq, fresh) = (_client.Capabilities.HasFlag(ImapCapabilities.CondStore), _fresh);
            _fresh = false;
            (var folders, _listed) = await ImapNamespaces.ListWithStatusAsync(_client, fresh,
                StatusItems.UidNext | StatusItems.Count | (modSeq ? StatusItems.HighestModSeq : StatusItems.None),
                f => new FolderStatus(f.UidValidity, f.UidNext?.Id ?? 0, f.Count, modSeq ? f.HighestModSeq : null), cancellationToken);
            return folders;
        });

    /// <summary>The listing, and with it every folder's size where the server offers LIST-STATUS and STATUS=SIZE.</summary>
    public Task<IReadOnlyList<SourceFolder>> ListFoldersWithSizesAsync(CancellationToken cancellationToken) =>
        !_client.Capabilities.HasFlag(ImapCapabilities.StatusSize)
            ? ListFoldersAsync(cancellationToken)
            : MailOperation.RunAsync(_endpoint, "listing folders", async () =>
            {
                var fresh = _fresh;
                _fresh = false;
                (var folders, _listedSizes) = await ImapNamespaces.ListWithStatusAsync(_client, fresh, StatusItems.Count | StatusItems.Size,
                    f => f.Size is { } size ? new SourceFolderStatus(f.FullName, f.UidValidity, f.Count, (long)size) : null, cancellationToken);
                return folders;
            });

    /// <summary>
    /// The size the listing for preflight brought, the first time; else one STATUS (MESSAGES UIDVALIDITY SIZE) where
    /// STATUS=SIZE is offered (RFC 8438); else EXAMINE and every message's RFC822.SIZE.
    /// </summary>
    public Task<SourceFolderStatus> GetStatusAsync(string folder, CancellationToken cancellationToken) =>
        MailOperation.RunAsync(_endpoint, $"reading status of {folder}", async () =>
        {
            if (_listedSizes.Remove(folder, out var listed))
            {
                return listed;
            }
            _fresh = false;
            if (_client.Capabilities.HasFlag(ImapCapabilities.StatusSize))
            {
                var target = await _client.GetFolderAsync(folder, cancellationToken);
                await target.StatusAsync(StatusItems.UidValidity | StatusItems.Count | StatusItems.Size, cancellationToken);
                if (target.Size is { } size)
                {
                    return new SourceFolderStatus(target.FullName, target.UidValidity, target.Count, (long)size);
                }
            }

            var open = await ExamineAsync(folder, refresh: true, cancellationToken);
            long bytes = 0;
            if (open.Count > 0)
            {
                var sizes = await open.FetchAsync(0, -1, new FetchRequest(MessageSummaryItems.Size), cancellationToken);
                bytes = sizes.Sum(s => (long)(s.Size ?? 0));
            }
            return new SourceFolderStatus(open.FullName, open.UidValidity, open.Count, bytes);
        });

    public Task<FolderIndex> IndexAsync(string folder, CancellationToken cancellationToken) =>
        MailOperation.RunAsync(_endpoint, $"listing messages of {folder}", async () =>
            await ImapSourceMapping.IndexAsync(await ExamineAsync(folder, refresh: true, cancellationToken), cancellationToken));

    /// <summary>
    /// STATUS (UIDVALIDITY UIDNEXT MESSAGES, and HIGHESTMODSEQ where CONDSTORE is offered): one round trip, no listing.
    /// The first time, the listing's status where it brought one: taken earlier still, so it never claims more than
    /// what is read after it; a second call (a unit tried again) asks the server.
    /// </summary>
    public Task<FolderStatus?> GetFolderStatusAsync(string folder, CancellationToken cancellationToken) =>
        MailOperation.RunAsync(_endpoint, $"reading status of {folder}", async () =>
        {
            if (_listed.Remove(folder, out var listed))
            {
                return listed;
            }
            _fresh = false;
            var target = await _client.GetFolderAsync(folder, cancellationToken);
            var condstore = _client.Capabilities.HasFlag(ImapCapabilities.CondStore);
            var items = StatusItems.UidValidity | StatusItems.UidNext | StatusItems.Count | (condstore ? StatusItems.HighestModSeq : StatusItems.None);
            await target.StatusAsync(items, cancellationToken);
            return (FolderStatus?)new FolderStatus(target.UidValidity, target.UidNext?.Id ?? 0, target.Count, condstore ? target.HighestModSeq : null);
        });

    public Task<FolderIndex> IndexChangesAsync(string folder, uint uidNext, ulong? changedSince, CancellationToken cancellationToken) =>
        MailOperation.RunAsync(_endpoint, $"listing new messages of {folder}", async () =>
            await ImapSourceMapping.IndexChangesAsync(await ExamineAsync(folder, refresh: true, cancellationToken), uidNext, changedSince, cancellationToken));

    public Task<IReadOnlyList<SourceMessage>> DescribeAsync(string folder, IReadOnlyList<MessageRef> messages, CancellationToken cancellationToken) =>
        MailOperation.RunAsync(_endpoint, $"reading headers in {folder}", async () =>
            await ImapSourceMapping.DescribeAsync(await ExamineAsync(folder, refresh: false, cancellationToken), [.. messages.Select(m => m.Uid)], cancellationToken));

    /// <summary>Messages with UID greater than <paramref name="afterUid"/> (0 = all).</summary>
    public async Task<IReadOnlyList<SourceMessage>> ListMessagesAsync(string folder, uint afterUid, CancellationToken cancellationToken)
    {
        var index = await IndexAsync(folder, cancellationToken);
        return await DescribeAsync(folder, [.. index.Messages.Where(m => m.Uid > afterUid)], cancellationToken);
    }

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
    /// A large read goes over the raw body connection where the endpoint allows one (see <see cref="UsesBodyConnection"/>).
    /// Otherwise messages up to <see cref="ChunkSize"/> come in one UID FETCH BODY.PEEK[] (MailKit holds each only while
    /// it is written); larger ones stream in chunks.
    /// </summary>
    public async Task CopyRawManyAsync(string folder, IReadOnlyList<SourceMessage> messages, Func<SourceMessage, Stream> openDestination, CancellationToken cancellationToken)
    {
        if (UsesBodyConnection(messages))
        {
            await CopyRawOverBodyConnectionAsync(folder, messages, openDestination, cancellationToken);
            return;
        }

        await CopyRawThroughMailKitAsync(folder, messages, openDestination, cancellationToken);
    }

    private Task CopyRawThroughMailKitAsync(string folder, IReadOnlyList<SourceMessage> messages, Func<SourceMessage, Stream> openDestination, CancellationToken cancellationToken) =>
        MailOperation.RunAsync(_endpoint, $"reading {messages.Count} messages of {folder}", async () =>
        {
            var small = messages.Where(m => m.Size <= ChunkSize).ToDictionary(m => m.Uid);
            if (small.Count > 0)
            {
                var open = (ImapFolder)await ExamineAsync(folder, refresh: false, cancellationToken);
                var uids = small.Keys.Order().Select(uid => new UniqueId(open.UidValidity, uid)).ToList();
                var written = 0;
                await open.GetStreamsAsync(uids, async (_, _, uid, stream, token) =>
                {
                    await using var destination = openDestination(small[uid.Id]);
                    await stream.CopyToAsync(destination, token);
                    written++;
                }, cancellationToken);
                if (written != small.Count)
                {
                    throw new MessageNotFoundException($"{small.Count - written} of {small.Count} requested messages");
                }
            }
            foreach (var large in messages.Where(m => m.Size > ChunkSize))
            {
                await using var destination = openDestination(large);
                await CopyRawAsync(folder, large, destination, cancellationToken);
            }
        });

    public async ValueTask DisposeAsync()
    {
        await MailServiceConnection.DisconnectQuietlyAsync(_client);
        await DisposeBodyConnectionAsync();
    }

    /// <summary>Opens the folder read-only; <paramref name="refresh"/> re-EXAMINEs so counts include mail that arrived since (delta sync).</summary>
    private async Task<IMailFolder> ExamineAsync(string folder, bool refresh, CancellationToken cancellationToken)
    {
        if (!refresh && _open is { IsOpen: true } && _open.FullName == folder)
        {
            return _open;
        }
        _fresh = false;
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
