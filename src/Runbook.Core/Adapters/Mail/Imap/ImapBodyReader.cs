using MailKit;
using MailKit.Net.Imap;
using Runbook.Adapters.Mail.Connection;
using Runbook.Adapters.Mail.Raw;

namespace Runbook.Adapters.Mail.Imap;

/// <summary>
/// A read-only IMAP source for readers that fetch every body anyway (verify): <see cref="DescribeAsync"/> fetches only
/// UID, FLAGS, INTERNALDATE and RFC822.SIZE, and leaves the identity fields empty (Message-ID null, header digest "")
/// because the caller derives them from the bytes it reads; fetching every header block as well would read the
/// headers twice. Folders are only EXAMINEd. Bodies come over a second, raw connection (BODY.PEEK[] literals written
/// straight from the socket buffer): MailKit would buffer each message and parse the stream, which cost verify more CPU than the hashing.
/// </summary>
internal sealed class ImapBodyReader : IMailSource
{
    private readonly ImapClient _client;
    private readonly RawImapConnection _bodies;
    private readonly MailEndpoint _endpoint;
    private ImapFolder? _open;
    private string? _examined;

    private ImapBodyReader(ImapClient client, RawImapConnection bodies, MailEndpoint endpoint)
    {
        _client = client;
        _bodies = bodies;
        _endpoint = endpoint;
    }

    public static async Task<IMailSource> ConnectAsync(MailEndpoint endpoint, MailLogin login, CancellationToken cancellationToken)
    {
        var client = new ImapClient(new ServerReplyRecorder());
        try
        {
            await MailServiceConnection.ConnectAsync(client, endpoint, login, cancellationToken);
            return new ImapBodyReader(client, await RawImapConnection.OpenAsync(endpoint, login, cancellationToken), endpoint);
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
        CopyRawManyAsync(folder, [message], _ => destination, cancellationToken);

    /// <summary>One UID FETCH BODY.PEEK[] on the raw connection; every literal streams into its message's stream, whatever its size.</summary>
    public async Task CopyRawManyAsync(string folder, IReadOnlyList<SourceMessage> messages, Func<SourceMessage, Stream> openDestination, CancellationToken cancellationToken)
    {
        if (messages.Count == 0)
        {
            return;
        }

        if (_examined != folder)
        {
            await _bodies.ExamineAsync(folder, cancellationToken);
            _examined = folder;
        }

        var byUid = messages.ToDictionary(m => m.Uid);
        await _bodies.FetchBodiesAsync([.. byUid.Keys], uid => byUid.TryGetValue(uid, out var m) ? openDestination(m) : Stream.Null, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await MailServiceConnection.DisconnectQuietlyAsync(_client);
        await _bodies.DisposeAsync();
    }

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
