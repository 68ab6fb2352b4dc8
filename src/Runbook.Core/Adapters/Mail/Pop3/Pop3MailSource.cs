using MailKit.Net.Pop3;
using MimeKit;
using MimeKit.Utils;
using Runbook.Adapters.Mail.Connection;
using Runbook.Errors;

namespace Runbook.Adapters.Mail.Pop3;

/// <summary>
/// Reads an old POP3 server: INBOX only, identity by UIDL plus content digest. Never sends DELE; QUIT on dispose
/// is safe because nothing is marked for deletion.
/// </summary>
internal sealed class Pop3MailSource : IMailSource
{
    public const string Inbox = "INBOX";

    private readonly Pop3Client _client;
    private readonly MailEndpoint _endpoint;
    private Dictionary<string, int> _indexByUidl = new(StringComparer.Ordinal);

    private Pop3MailSource(Pop3Client client, MailEndpoint endpoint)
    {
        _client = client;
        _endpoint = endpoint;
    }

    public static async Task<Pop3MailSource> ConnectAsync(MailEndpoint endpoint, MailLogin login, CancellationToken cancellationToken)
    {
        var client = new Pop3Client();
        try
        {
            await MailServiceConnection.ConnectAsync(client, endpoint, login, cancellationToken);
            return new Pop3MailSource(client, endpoint);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public Task<MailNamespace> GetNamespaceAsync(CancellationToken cancellationToken) => Task.FromResult(new MailNamespace("", '/'));

    public Task<IReadOnlyList<SourceFolder>> ListFoldersAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SourceFolder>>([new SourceFolder(Inbox, '/', Selectable: true, SpecialUse: null)]);

    public Task<SourceFolderStatus> GetStatusAsync(string folder, CancellationToken cancellationToken) =>
        MailOperation.RunAsync(_endpoint, "reading the POP3 mailbox size", async () =>
        {
            EnsureInbox(folder);
            var sizes = _client.Count == 0 ? [] : await _client.GetMessageSizesAsync(cancellationToken);
            // POP3 has no UIDVALIDITY: 0 tells callers to rely on UIDLs and content identity.
            return new SourceFolderStatus(Inbox, 0, sizes.Count, sizes.Sum(s => (long)s));
        });

    /// <summary>All messages (POP3 has no UIDs, so <paramref name="afterUid"/> is ignored).</summary>
    public Task<IReadOnlyList<SourceMessage>> ListMessagesAsync(string folder, uint afterUid, CancellationToken cancellationToken) =>
        MailOperation.RunAsync(_endpoint, "listing POP3 messages", async () =>
        {
            EnsureInbox(folder);
            if (_client.Count == 0)
            {
                return (IReadOnlyList<SourceMessage>)[];
            }
            if (!_client.Capabilities.HasFlag(Pop3Capabilities.UIDL))
            {
                throw new StepFailedException($"{_endpoint}: the POP3 server has no UIDL; messages cannot be identified across runs", retryable: false);
            }
            var uidls = await _client.GetMessageUidsAsync(cancellationToken);
            var sizes = await _client.GetMessageSizesAsync(cancellationToken);
            var headers = await HeadersAsync(uidls.Count, cancellationToken);
            _indexByUidl = uidls.Select((uidl, index) => (uidl, index)).ToDictionary(p => p.uidl, p => p.index, StringComparer.Ordinal);
            return uidls.Select((uidl, i) => Message(uidl, sizes[i], headers[i])).ToList();
        });

    public Task CopyRawAsync(string folder, SourceMessage message, Stream destination, CancellationToken cancellationToken) =>
        MailOperation.RunAsync(_endpoint, $"retrieving POP3 message {message.SourceId}", async () =>
        {
            EnsureInbox(folder);
            if (!_indexByUidl.TryGetValue(message.SourceId, out var index))
            {
                throw new StepFailedException($"{_endpoint}: POP3 message {message.SourceId} is not in this session's listing: list messages first", retryable: false);
            }
            // RETR: MailKit un-stuffs dots. MailKit buffers the whole message (its POP3 client cannot stream).
            using var raw = await _client.GetStreamAsync(index, headersOnly: false, cancellationToken);
            var length = await Pop3Retr.ExactLengthAsync(raw, message.Size, cancellationToken);
            await Pop3Retr.CopyAsync(raw, destination, length, cancellationToken);
        });

    public async ValueTask DisposeAsync() => await MailServiceConnection.DisconnectQuietlyAsync(_client);

    private async Task<IList<HeaderList>> HeadersAsync(int count, CancellationToken cancellationToken)
    {
        var indexes = Enumerable.Range(0, count).ToList();
        if (_client.Capabilities.HasFlag(Pop3Capabilities.Top))
        {
            // Raw TOP 0 blocks, parsed by MessageIdentity like the IMAP side sees them (MimeKit's own header parse
            // skips a byte-order mark an IMAP server keeps, and the identities would then disagree).
            var streams = await _client.GetStreamsAsync(indexes, headersOnly: true, cancellationToken);
            var parsed = new List<HeaderList>(streams.Count);
            foreach (var stream in streams)
            {
                using (stream)
                {
                    parsed.Add(MessageIdentity.ParseHeaders(stream));
                }
            }
            return parsed;
        }
        // Without TOP the headers come from RETR; only the header block is parsed.
        var result = new List<HeaderList>(count);
        foreach (var index in indexes)
        {
            using var raw = await _client.GetStreamAsync(index, headersOnly: false, cancellationToken);
            result.Add(MessageIdentity.ParseHeaders(raw));
        }
        return result;
    }

    private static SourceMessage Message(string uidl, int size, HeaderList headers) => new()
    {
        SourceId = uidl,
        Size = size,
        MessageId = MessageIdentity.MessageId(headers),
        HeaderDigest = MessageIdentity.HeaderDigest(headers, size),
        // POP3 has no INTERNALDATE; the Date header keeps the copy from being dated "today".
        InternalDate = DateUtils.TryParse(headers[HeaderId.Date] ?? "", out var date) ? date : null,
    };

    private void EnsureInbox(string folder)
    {
        if (!string.Equals(folder, Inbox, StringComparison.OrdinalIgnoreCase))
        {
            throw new StepFailedException($"{_endpoint}: POP3 has only {Inbox}, not {folder}", retryable: false);
        }
    }
}
