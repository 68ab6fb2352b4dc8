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

    /// <summary>LIST and UIDL: two commands, whatever the number of messages; no message is read.</summary>
    public async Task<FolderIndex> IndexAsync(string folder, CancellationToken cancellationToken)
    {
        EnsureInbox(folder);
        var sizes = (await _session.ListingAsync("LIST", cancellationToken)).ToDictionary(s => s.Number, s => Size(s.Value));
        if (sizes.Count == 0)
        {
            _byUidl = new(StringComparer.Ordinal);
            return new FolderIndex(0, []);
        }
        var byUidl = new Dictionary<string, (int, long)>(StringComparer.Ordinal);
        foreach (var (number, uidl) in await _session.UidlAsync(cancellationToken))
        {
            byUidl[uidl] = (number, sizes[number]);
        }
        _byUidl = byUidl;
        // POP3 has no UIDVALIDITY: 0, and UIDLs are the ids.
        return new FolderIndex(0, [.. byUidl.OrderBy(p => p.Value.Item1).Select(p => new MessageRef(p.Key, 0))]);
    }

    /// <summary>Headers of the given messages only (TOP n 0 in pipelined bursts, or the start of RETR without TOP).</summary>
    public async Task<IReadOnlyList<SourceMessage>> DescribeAsync(string folder, IReadOnlyList<MessageRef> messages, CancellationToken cancellationToken)
    {
        EnsureInbox(folder);
        var wanted = messages.Where(m => _byUidl.ContainsKey(m.SourceId)).Select(m => (Uidl: m.SourceId, _byUidl[m.SourceId].Number, _byUidl[m.SourceId].Size)).ToList();
        var heads = wanted.ToDictionary(w => w.Number, _ => new HeadCaptureStream(RawPop3Session.HeaderCap));
        try
        {
            await _session.ReadHeadersAsync([.. wanted.Select(w => (w.Number, w.Size))], number => heads[number], cancellationToken);
            return [.. wanted.Select(w => Describe(w.Uidl, w.Size, heads[w.Number]))];
        }
        finally
        {
            foreach (var head in heads.Values)
            {
                await head.DisposeAsync();
            }
        }
    }

    /// <summary>All messages (POP3 has no UIDs, so <paramref name="afterUid"/> is ignored).</summary>
    public async Task<IReadOnlyList<SourceMessage>> ListMessagesAsync(string folder, uint afterUid, CancellationToken cancellationToken) =>
        await DescribeAsync(folder, (await IndexAsync(folder, cancellationToken)).Messages, cancellationToken);

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

    private static SourceMessage Describe(string uidl, long size, HeadCaptureStream head)
    {
        var raw = head.GetBuffer().AsSpan(0, (int)head.Length);
        var headers = HeaderBlock.Parse(raw);
        return new SourceMessage
        {
            SourceId = uidl,
            Size = size,
            MessageId = MessageIdentity.MessageId(headers),
            HeaderDigest = MessageIdentity.HeaderDigest(raw, size),
            // POP3 has no INTERNALDATE; the Date header keeps the copy from being dated "today".
            InternalDate = DateUtils.TryParse(headers[HeaderId.Date] ?? "", out var date) ? date : null,
        };
    }

    private static long Size(string value) => long.Parse(value.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);

    private void EnsureInbox(string folder)
    {
        if (!string.Equals(folder, Inbox, StringComparison.OrdinalIgnoreCase))
        {
            throw new StepFailedException($"{_session.Endpoint}: POP3 has only {Inbox}, not {folder}", retryable: false);
        }
    }
}
