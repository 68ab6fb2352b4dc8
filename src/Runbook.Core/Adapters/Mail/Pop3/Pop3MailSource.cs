using MimeKit;
using MimeKit.Utils;
using Runbook.Adapters.Mail.Connection;
using Runbook.Errors;

namespace Runbook.Adapters.Mail.Pop3;

/// <summary>
/// Reads an old POP3 server: INBOX only, identity by UIDL plus content digest, RETR streamed. Never sends DELE;
/// QUIT on dispose is safe because nothing is marked for deletion.
/// </summary>
internal sealed class Pop3MailSource : IMailSource
{
    public const string Inbox = "INBOX";

    private readonly RawPop3Session _session;
    private Dictionary<string, (int Number, long Size)> _byUidl = new(StringComparer.Ordinal);

    private Pop3MailSource(RawPop3Session session) => _session = session;

    public static async Task<Pop3MailSource> ConnectAsync(MailEndpoint endpoint, MailLogin login, CancellationToken cancellationToken) =>
        new(await RawPop3Session.OpenAsync(endpoint, login, cancellationToken));

    public Task<MailNamespace> GetNamespaceAsync(CancellationToken cancellationToken) => Task.FromResult(new MailNamespace("", '/'));

    public Task<IReadOnlyList<SourceFolder>> ListFoldersAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SourceFolder>>([new SourceFolder(Inbox, '/', Selectable: true, SpecialUse: null)]);

    public async Task<SourceFolderStatus> GetStatusAsync(string folder, CancellationToken cancellationToken)
    {
        EnsureInbox(folder);
        var sizes = await _session.ListingAsync("LIST", cancellationToken);
        // POP3 has no UIDVALIDITY: 0 tells callers to rely on UIDLs and content identity.
        return new SourceFolderStatus(Inbox, 0, sizes.Count, sizes.Sum(s => Size(s.Value)));
    }

    /// <summary>All messages (POP3 has no UIDs, so <paramref name="afterUid"/> is ignored).</summary>
    public async Task<IReadOnlyList<SourceMessage>> ListMessagesAsync(string folder, uint afterUid, CancellationToken cancellationToken)
    {
        EnsureInbox(folder);
        var sizes = (await _session.ListingAsync("LIST", cancellationToken)).ToDictionary(s => s.Number, s => Size(s.Value));
        if (sizes.Count == 0)
        {
            _byUidl = new(StringComparer.Ordinal);
            return [];
        }
        if (!_session.Has("UIDL"))
        {
            throw new StepFailedException($"{_session.Endpoint}: the POP3 server has no UIDL; messages cannot be identified across runs", retryable: false);
        }
        var uidls = await _session.ListingAsync("UIDL", cancellationToken);
        var messages = new List<SourceMessage>(uidls.Count);
        var byUidl = new Dictionary<string, (int, long)>(StringComparer.Ordinal);
        foreach (var (number, uidl) in uidls)
        {
            var size = sizes[number];
            messages.Add(Message(uidl, size, await HeadersAsync(number, size, cancellationToken)));
            byUidl[uidl] = (number, size);
        }
        _byUidl = byUidl;
        return messages;
    }

    public async Task CopyRawAsync(string folder, SourceMessage message, Stream destination, CancellationToken cancellationToken)
    {
        EnsureInbox(folder);
        if (!_byUidl.TryGetValue(message.SourceId, out var entry))
        {
            throw new StepFailedException($"{_session.Endpoint}: POP3 message {message.SourceId} is not in this session's listing: list messages first", retryable: false);
        }
        await _session.CopyAsync($"RETR {entry.Number}", entry.Size, destination, cancellationToken);
    }

    public ValueTask DisposeAsync() => _session.DisposeAsync();

    private async Task<HeaderList> HeadersAsync(int number, long size, CancellationToken cancellationToken)
    {
        // Without TOP the headers come from RETR; only the first 256 KB are kept, which holds any sane header block.
        using var head = new HeadCaptureStream(256 * 1024);
        await _session.CopyAsync(_session.Has("TOP") ? $"TOP {number} 0" : $"RETR {number}", _session.Has("TOP") ? null : size, head, cancellationToken);
        head.Position = 0;
        return MessageIdentity.ParseHeaders(head);
    }

    private static SourceMessage Message(string uidl, long size, HeaderList headers) => new()
    {
        SourceId = uidl,
        Size = size,
        MessageId = MessageIdentity.MessageId(headers),
        HeaderDigest = MessageIdentity.HeaderDigest(headers, size),
        // POP3 has no INTERNALDATE; the Date header keeps the copy from being dated "today".
        InternalDate = DateUtils.TryParse(headers[HeaderId.Date] ?? "", out var date) ? date : null,
    };

    private static long Size(string value) => long.Parse(value.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);

    private void EnsureInbox(string folder)
    {
        if (!string.Equals(folder, Inbox, StringComparison.OrdinalIgnoreCase))
        {
            throw new StepFailedException($"{_session.Endpoint}: POP3 has only {Inbox}, not {folder}", retryable: false);
        }
    }
}
