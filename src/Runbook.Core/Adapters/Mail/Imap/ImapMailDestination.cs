using MailKit;
using MailKit.Net.Imap;
using Runbook.Adapters.Mail.Connection;
using Runbook.Adapters.Mail.Raw;

namespace Runbook.Adapters.Mail.Imap;

/// <summary>
/// The new server: folders and listings through MailKit, APPEND through <see cref="RawImapAppender"/> on a second
/// connection, because MailKit's APPEND re-serialises the message and changes its bytes.
/// </summary>
internal sealed class ImapMailDestination : IMailDestination
{
    private readonly ImapClient _client;
    private readonly MailEndpoint _endpoint;
    private readonly MailLogin _login;
    private RawImapConnection? _raw;

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
        MailOperation.RunAsync(_endpoint, "listing folders", () => ImapNamespaces.ListAsync(_client, cancellationToken));

    public Task EnsureFolderAsync(string path, CancellationToken cancellationToken) =>
        MailOperation.RunAsync(_endpoint, $"creating folder {path}", async () =>
        {
            var ns = ImapNamespaces.Personal(_client);
            IMailFolder parent = (_client.PersonalNamespaces.Count > 0 ? _client.GetFolder(_client.PersonalNamespaces[0]) : null) ?? _client.Inbox;
            foreach (var name in ImapFolderPath.WithParents(path, ns))
            {
                parent = await FindAsync(name, cancellationToken) ?? await CreateAsync(parent, name[(name.LastIndexOf(ns.Separator) + 1)..], cancellationToken);
            }
        });

    public Task<FolderIndex?> IndexAsync(string path, CancellationToken cancellationToken) =>
        MailOperation.RunAsync(_endpoint, $"listing messages of {path}", async () =>
            await OpenAsync(path, cancellationToken) is { } folder ? await ImapSourceMapping.IndexAsync(folder, cancellationToken) : null);

    public Task<FolderStatus?> GetStatusAsync(string path, CancellationToken cancellationToken) =>
        MailOperation.RunAsync(_endpoint, $"reading status of {path}", async () =>
        {
            if (await FindAsync(ImapFolderPath.ToServerName(path, ImapNamespaces.Personal(_client)), cancellationToken) is not { } folder)
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

    /// <summary>GETQUOTAROOT INBOX on the raw connection, read by <see cref="ImapQuotaReply"/>: MailKit drops the connection on "()".</summary>
    public Task<MailQuota?> GetQuotaAsync(CancellationToken cancellationToken) =>
        MailOperation.RunAsync(_endpoint, "reading the quota", async () =>
        {
            if (!Capabilities.Quota)
            {
                return null;
            }
            var (untagged, reply) = await RawCommandAsync("GETQUOTAROOT INBOX", cancellationToken);
            return reply.Status == ImapStatus.Ok
                ? ImapQuotaReply.Parse(untagged)
                : (MailQuota?)MailQuota.Unknown($"the server refused GETQUOTAROOT INBOX ({reply.Reason})");
        });

    /// <summary>ID NIL on the raw connection (RFC 2971): the server's software, for reports; null when it has no ID.</summary>
    public Task<ServerIdentity?> IdentifyAsync(CancellationToken cancellationToken) =>
        MailOperation.RunAsync(_endpoint, "asking the server's ID", async () =>
        {
            if (!_client.Capabilities.HasFlag(ImapCapabilities.Id))
            {
                return null;
            }
            var (untagged, reply) = await RawCommandAsync("ID NIL", cancellationToken);
            return reply.Status == ImapStatus.Ok ? ImapIdReply.Parse(untagged) : (ServerIdentity?)new ServerIdentity(null, $"the server refused ID ({reply.Reason})");
        });

    public Task<IReadOnlyList<StoredMessage>> ReadStoredAsync(string path, IReadOnlyList<uint> uids, IReadOnlySet<uint> hash, CancellationToken cancellationToken) =>
        MailOperation.RunAsync(_endpoint, $"reading back what {path} stored", async () =>
        {
            if (uids.Count == 0 || await OpenAsync(path, cancellationToken) is not { } folder)
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

    private static async Task<IMailFolder> CreateAsync(IMailFolder parent, string name, CancellationToken cancellationToken)
    {
        // MailKit encodes the name in modified UTF-7 itself; we pass the decoded segment.
        var created = await parent.CreateAsync(name, isMessageFolder: true, cancellationToken) ?? throw new FolderNotFoundException(name);
        // Many mail clients show only subscribed folders; a migrated folder must not look lost.
        await created.SubscribeAsync(cancellationToken);
        return created;
    }

    private async Task<RawImapConnection> RawAsync(CancellationToken cancellationToken) =>
        _raw ??= await RawImapConnection.OpenAsync(_endpoint, _login, cancellationToken);

    /// <summary>One command on the raw connection; a broken connection is dropped so that the next call reconnects.</summary>
    private async Task<(List<string> Untagged, ImapTaggedResponse Reply)> RawCommandAsync(string command, CancellationToken cancellationToken)
    {
        var raw = await RawAsync(cancellationToken);
        try
        {
            var untagged = new List<string>();
            var tag = raw.NextTag();
            await raw.WriteAsync($"{tag} {command}\r\n", cancellationToken);
            await raw.FlushAsync(cancellationToken);
            return (untagged, await raw.ReadTaggedAsync(tag, untagged.Add, cancellationToken));
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

    /// <summary>The folder opened read-only (EXAMINE: nothing changes, not even \Recent), or null when it does not exist.</summary>
    private async Task<IMailFolder?> OpenAsync(string path, CancellationToken cancellationToken)
    {
        var folder = await FindAsync(ImapFolderPath.ToServerName(path, ImapNamespaces.Personal(_client)), cancellationToken);
        if (folder is not null)
        {
            await folder.OpenAsync(FolderAccess.ReadOnly, cancellationToken);
        }
        return folder;
    }

    private async Task<IMailFolder?> FindAsync(string fullName, CancellationToken cancellationToken)
    {
        try
        {
            return fullName.Equals("INBOX", StringComparison.OrdinalIgnoreCase) ? _client.Inbox : await _client.GetFolderAsync(fullName, cancellationToken);
        }
        catch (FolderNotFoundException)
        {
            return null;
        }
    }
}
