using MailKit;
using MailKit.Net.Imap;
using Runbook.Adapters.Mail.Connection;
using Runbook.Adapters.Mail.Raw;

namespace Runbook.Adapters.Mail.Imap;

/// <summary>
/// The new server: folders and listings through MailKit, APPEND through <see cref="RawImapAppender"/> on a second
/// connection, because MailKit's APPEND re-serialises the message and changes its bytes.
/// </summary>
internal sealed partial class ImapMailDestination : IMailDestination
{
    private readonly ImapClient _client;
    private readonly MailEndpoint _endpoint;
    private readonly MailLogin _login;
    private RawImapConnection? _raw;
    /// <summary>The folders the account's listing named (null before <see cref="ListFoldersAsync"/>): others are created without looking them up first.</summary>
    private HashSet<string>? _listed;
    /// <summary>Statuses the listing brought (LIST-STATUS), by server name: each handed out once, and dropped when the folder is written to.</summary>
    private Dictionary<string, FolderStatus> _listedStatus = [];
    /// <summary>Nothing listed, created, opened or asked the status of yet: only then may a listing take statuses (see <see cref="ImapNamespaces.ListWithStatusAsync"/>).</summary>
    private bool _fresh = true;
    /// <summary>The folder this connection last opened (EXAMINE).</summary>
    private IMailFolder? _examined;

    private ImapMailDestination(ImapClient client, MailEndpoint endpoint, MailLogin login)
    {
        _client = client;
        _endpoint = endpoint;
        _login = login;
        var caps = client.Capabilities;
        Capabilities = new DestinationCapabilities(
            caps.HasFlag(ImapCapabilities.UidPlus), caps.HasFlag(ImapCapabilities.MultiAppend), caps.HasFlag(ImapCapabilities.SpecialUse),
            caps.HasFlag(ImapCapabilities.Quota), client.AppendLimit, caps.HasFlag(ImapCapabilities.LiteralPlus));
    }

    public DestinationCapabilities Capabilities { get; }


    public static async Task<ImapMailDestination> ConnectAsync(MailEndpoint endpoint, MailLogin login, CancellationToken cancellationToken)
    {
        // The recorder keeps the login's reply: MailKit drops its [UNAVAILABLE] code, which means "busy", not "wrong password".
        var client = new ImapClient(new ServerReplyRecorder());
        try
        {
            await MailServiceConnection.ConnectAsync(client, endpoint, login, cancellationToken);
            return new ImapMailDestination(client, endpoint, login);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public Task<MailNamespace> GetNamespaceAsync(CancellationToken cancellationToken) => Task.FromResult(ImapNamespaces.Personal(_client));

    public Task<IReadOnlyList<SourceFolder>> ListFoldersAsync(CancellationToken cancellationToken) =>
        MailOperation.RunAsync(_endpoint, "listing folders", async () =>
        {
            var fresh = _fresh;
            _fresh = false;
            (var folders, _listedStatus) = await ImapNamespaces.ListWithStatusAsync(_client, fresh, StatusItems.UidNext | StatusItems.Count,
                f => new FolderStatus(f.UidValidity, f.UidNext?.Id ?? 0, f.Count, null), cancellationToken);
            _listed = folders.Select(f => f.FullName).ToHashSet(StringComparer.Ordinal);
            return folders;
        });

    public Task<FolderIndex?> IndexAsync(string path, CancellationToken cancellationToken) =>
        MailOperation.RunAsync(_endpoint, $"listing messages of {path}", async () =>
            await OpenAsync(path, cancellationToken) is { } folder ? await ImapSourceMapping.IndexAsync(folder, cancellationToken) : null);

    public Task<FolderStatus?> GetStatusAsync(string path, CancellationToken cancellationToken) =>
        MailOperation.RunAsync(_endpoint, $"reading status of {path}", async () =>
        {
            var name = ImapFolderPath.ToServerName(path, ImapNamespaces.Personal(_client));
            if (_listedStatus.Remove(name, out var listed))
            {
                return listed;
            }
            _fresh = false;
            if (await FindAsync(name, cancellationToken) is not { } folder)
            {
                return (FolderStatus?)null;
            }
            await folder.StatusAsync(StatusItems.UidValidity | StatusItems.UidNext | StatusItems.Count, cancellationToken);
            return new FolderStatus(folder.UidValidity, folder.UidNext?.Id ?? 0, folder.Count, null);
        });

    public Task<IReadOnlyList<DestinationMessage>> DescribeAsync(string path, IReadOnlyList<uint> uids, CancellationToken cancellationToken) =>
        MailOperation.RunAsync(_endpoint, $"reading headers in {path}", async () =>
        {
            if (uids.Count == 0 || await OpenAsync(path, cancellationToken) is not { } folder)
            {
                return (IReadOnlyList<DestinationMessage>)[];
            }
            var messages = await ImapSourceMapping.DescribeAsync(folder, uids, cancellationToken);
            return [.. messages.Select(m => new DestinationMessage(m.Uid, m.MessageId, m.HeaderDigest, m.Size))];
        });

    public async Task<IReadOnlyList<DestinationMessage>> ListMessagesAsync(string path, CancellationToken cancellationToken) =>
        await IndexAsync(path, cancellationToken) is { } index ? await DescribeAsync(path, [.. index.Messages.Select(m => m.Uid)], cancellationToken) : [];

    public async Task<IReadOnlyList<AppendResult>> AppendAsync(string path, IReadOnlyList<AppendItem> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return [];
        }
        var mailbox = ImapFolderPath.ToServerName(path, ImapNamespaces.Personal(_client));
        _listedStatus.Remove(mailbox);
        var raw = await RawAsync(cancellationToken);
        try
        {
            return await new RawImapAppender(raw, Capabilities.AppendLimit).AppendAsync(mailbox, batch, cancellationToken);
        }
        finally
        {
            if (raw.Broken)
            {
                // The next append reconnects; the caller re-checks the destination before resending.
                _raw = null;
                await raw.DisposeAsync();
            }
        }
    }

    public Task<MailQuota?> GetQuotaAsync(CancellationToken cancellationToken) =>
        !Capabilities.Quota
            ? Task.FromResult<MailQuota?>(null)
            : MailOperation.RunAsync(_endpoint, "reading the quota", () => WithRawAsync(raw => ImapServerQuestions.QuotaAsync(raw, cancellationToken), cancellationToken));

    public Task<ServerIdentity?> IdentifyAsync(CancellationToken cancellationToken) =>
        !_client.Capabilities.HasFlag(ImapCapabilities.Id)
            ? Task.FromResult<ServerIdentity?>(null)
            : MailOperation.RunAsync(_endpoint, "asking the server's ID", () => WithRawAsync(raw => ImapServerQuestions.IdentityAsync(raw, cancellationToken), cancellationToken));

    public Task<IReadOnlyList<StoredMessage>> ReadStoredAsync(string path, IReadOnlyList<uint> uids, IReadOnlySet<uint> hash, CancellationToken cancellationToken) =>
        MailOperation.RunAsync(_endpoint, $"reading back what {path} stored", async () =>
        {
            if (uids.Count == 0 || await OpenUpdatedAsync(path, cancellationToken) is not { } folder)
            {
                return (IReadOnlyList<StoredMessage>)[];
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
        });

    public async ValueTask DisposeAsync()
    {
        if (_raw is not null)
        {
            await _raw.DisposeAsync();
        }
        await MailServiceConnection.DisconnectQuietlyAsync(_client);
    }

    private async Task<RawImapConnection> RawAsync(CancellationToken cancellationToken) =>
        _raw ??= await RawImapConnection.OpenAsync(_endpoint, _login, cancellationToken);

    /// <summary>Runs <paramref name="question"/> on the raw connection; a broken connection is dropped so that the next call reconnects.</summary>
    private async Task<T> WithRawAsync<T>(Func<RawImapConnection, Task<T>> question, CancellationToken cancellationToken)
    {
        var raw = await RawAsync(cancellationToken);
        try
        {
            return await question(raw);
        }
        finally
        {
            if (raw.Broken)
            {
                _raw = null;
                await raw.DisposeAsync();
            }
        }
    }
}
