namespace Runbook.Adapters.Mail;

/// <summary>A folder as the source server lists it.</summary>
internal sealed record SourceFolder(
    string FullName,
    char Separator,
    bool Selectable,
    /// <summary>SPECIAL-USE attribute without backslash ("Sent", "Drafts", "Trash", "Junk", "Archive"), or null.</summary>
    string? SpecialUse);

/// <summary>The source namespace: prefix as reported (e.g. "INBOX" on Courier-style hosts, "" on modern ones) and separator.</summary>
internal sealed record MailNamespace(string Prefix, char Separator);

/// <summary>What is known about one source message before its bytes are read.</summary>
internal sealed record SourceMessage
{
    /// <summary>IMAP UID as text, or the POP3 UIDL.</summary>
    public required string SourceId { get; init; }
    /// <summary>IMAP UID (0 for POP3); used for checkpoints.</summary>
    public uint Uid { get; init; }
    public required long Size { get; init; }
    /// <summary>System flags as IMAP atoms without backslash: Seen, Answered, Flagged, Deleted, Draft.</summary>
    public IReadOnlyList<string> Flags { get; init; } = [];
    public IReadOnlyList<string> Keywords { get; init; } = [];
    public DateTimeOffset? InternalDate { get; init; }
    public string? MessageId { get; init; }
    /// <summary>Digest of the whole raw header block plus size (see <see cref="MessageIdentity"/>): identity when Message-ID is missing or shared.</summary>
    public required string HeaderDigest { get; init; }
}

/// <summary>A message as a folder's index names it, before anything else is read: IMAP UID (SourceId is its text) or POP3 UIDL (Uid 0).</summary>
internal sealed record MessageRef(string SourceId, uint Uid);

/// <summary>Every message of a folder, cheaply (IMAP <c>UID SEARCH ALL</c>, POP3 <c>UIDL</c>), with the folder's UIDVALIDITY (0 for POP3).</summary>
internal sealed record FolderIndex(uint UidValidity, IReadOnlyList<MessageRef> Messages)
{
    /// <summary>The folder's status as opening it for the listing reported it, before the listing (IMAP EXAMINE); null when unknown.</summary>
    public FolderStatus? Opened { get; init; }
}

/// <summary>A folder's STATUS: UIDVALIDITY, UIDNEXT, MESSAGES, and CONDSTORE's HIGHESTMODSEQ (null when the server has no CONDSTORE).</summary>
internal sealed record FolderStatus(uint UidValidity, uint UidNext, int Messages, ulong? HighestModSeq);

/// <summary>A folder's identity and size on the source.</summary>
internal sealed record SourceFolderStatus(string FullName, uint UidValidity, int Count, long Bytes);

/// <summary>Read-only access to an old server (IMAP or POP3). Implementations never modify the source.</summary>
internal interface IMailSource : IAsyncDisposable
{
    Task<MailNamespace> GetNamespaceAsync(CancellationToken cancellationToken);
    Task<IReadOnlyList<SourceFolder>> ListFoldersAsync(CancellationToken cancellationToken);

    /// <summary>The listing, for a caller that asks every folder's size next (preflight): a server that can answer both at once does.</summary>
    Task<IReadOnlyList<SourceFolder>> ListFoldersWithSizesAsync(CancellationToken cancellationToken) => ListFoldersAsync(cancellationToken);

    Task<SourceFolderStatus> GetStatusAsync(string folder, CancellationToken cancellationToken);

    /// <summary>Every message's id, without headers: what a pass that finds nothing new costs.</summary>
    Task<FolderIndex> IndexAsync(string folder, CancellationToken cancellationToken);

    /// <summary>The folder's STATUS without opening it, or null when the protocol has none (POP3): such a folder is always scanned in full.</summary>
    Task<FolderStatus?> GetFolderStatusAsync(string folder, CancellationToken cancellationToken) => Task.FromResult<FolderStatus?>(null);

    /// <summary>
    /// The messages with a UID of at least <paramref name="uidNext"/>, and, given <paramref name="changedSince"/>, those
    /// below it whose flags changed since that mod-sequence (CONDSTORE). Default: every message (always correct, never fast).
    /// </summary>
    Task<FolderIndex> IndexChangesAsync(string folder, uint uidNext, ulong? changedSince, CancellationToken cancellationToken) =>
        IndexAsync(folder, cancellationToken);

    /// <summary>Size, flags, keywords, INTERNALDATE and identity of the given messages (gone ones are left out), in one round trip where the protocol allows.</summary>
    Task<IReadOnlyList<SourceMessage>> DescribeAsync(string folder, IReadOnlyList<MessageRef> messages, CancellationToken cancellationToken);

    /// <summary>Messages of a folder with UID greater than <paramref name="afterUid"/> (0 = all; POP3 ignores it).</summary>
    async Task<IReadOnlyList<SourceMessage>> ListMessagesAsync(string folder, uint afterUid, CancellationToken cancellationToken)
    {
        var index = await IndexAsync(folder, cancellationToken);
        return await DescribeAsync(folder, [.. index.Messages.Where(m => m.Uid == 0 || m.Uid > afterUid)], cancellationToken);
    }
    /// <summary>Writes the message's exact bytes (as fetched, BODY.PEEK[] / RETR) to <paramref name="destination"/>, streamed.</summary>
    Task CopyRawAsync(string folder, SourceMessage message, Stream destination, CancellationToken cancellationToken);

    /// <summary>
    /// Copies several messages' exact bytes, each into the stream <paramref name="openDestination"/> returns for it
    /// (written, then disposed by the adapter). IMAP fetches small messages in one pipelined FETCH; the default copies one by one.
    /// </summary>
    async Task CopyRawManyAsync(string folder, IReadOnlyList<SourceMessage> messages, Func<SourceMessage, Stream> openDestination, CancellationToken cancellationToken)
    {
        foreach (var message in messages)
        {
            await using var destination = openDestination(message);
            await CopyRawAsync(folder, message, destination, cancellationToken);
        }
    }
}

/// <summary>One message to append: its exact bytes come from <see cref="OpenContent"/>.</summary>
internal sealed record AppendItem
{
    public required SourceMessage Source { get; init; }
    public required long Size { get; init; }
    public required Func<Stream> OpenContent { get; init; }
    public IReadOnlyList<string> Flags { get; init; } = [];
    public IReadOnlyList<string> Keywords { get; init; } = [];
    public DateTimeOffset? InternalDate { get; init; }
    /// <summary>SHA-256 and risky content of the exact bytes, when the spool saw them pass (null otherwise).</summary>
    public ContentInspection? Inspection { get; init; }
}

internal enum AppendStatus { Stored, Rejected }

/// <summary>What the new server holds at a UID it just gave: its size, and its bytes (SHA-256, and up to a limit the bytes themselves) when asked.</summary>
internal sealed record StoredMessage(uint Uid, long Size, byte[]? Sha256 = null, byte[]? Bytes = null);

/// <summary>Result per appended item; a rejection carries the server's reason; dropped keywords/flags are listed.</summary>
internal sealed record AppendResult(AppendItem Item, AppendStatus Status, uint? Uid, string? Reason, IReadOnlyList<string> DroppedKeywords);

/// <summary>An identity of a message already on the destination.</summary>
internal sealed record DestinationMessage(uint Uid, string? MessageId, string HeaderDigest, long Size);

/// <summary>Capabilities that change how the copy is done or checked.</summary>
internal sealed record DestinationCapabilities(bool UidPlus, bool MultiAppend, bool SpecialUse, bool Quota, long? AppendLimit, bool LiteralPlus);

/// <summary>
/// What preflight asks the new server, read-only: capabilities, namespace, folders, quota, software. An adapter may
/// answer it on fewer connections than the full <see cref="IMailDestination"/> needs.
/// </summary>
internal interface IDestinationProbe : IAsyncDisposable
{
    DestinationCapabilities Capabilities { get; }
    Task<MailNamespace> GetNamespaceAsync(CancellationToken cancellationToken);
    Task<IReadOnlyList<SourceFolder>> ListFoldersAsync(CancellationToken cancellationToken);

    /// <summary>The account's storage quota (QUOTA, GETQUOTAROOT INBOX), or null when the server has none. Default: null, so fakes need not implement it.</summary>
    Task<MailQuota?> GetQuotaAsync(CancellationToken cancellationToken) => Task.FromResult<MailQuota?>(null);

    /// <summary>What software the server says it runs (IMAP ID), or null when it does not say. Default: null.</summary>
    Task<ServerIdentity?> IdentifyAsync(CancellationToken cancellationToken) => Task.FromResult<ServerIdentity?>(null);
}

/// <summary>Write access to the new server (IMAP). Appends exact bytes, never re-serialised.</summary>
internal interface IMailDestination : IDestinationProbe
{
    /// <summary>Creates the folder (and missing parents); <paramref name="path"/> uses '/' and is translated to the server's separator.</summary>
    Task EnsureFolderAsync(string path, CancellationToken cancellationToken);
    /// <summary>The folder's UIDVALIDITY and UIDs (<c>UID SEARCH ALL</c>), or null when the folder does not exist.</summary>
    Task<FolderIndex?> IndexAsync(string path, CancellationToken cancellationToken);

    /// <summary>
    /// The folder's UIDVALIDITY, UIDNEXT and MESSAGES (STATUS, without listing it; no mod-sequence), or null when the
    /// folder does not exist. Default: from the index, with the highest UID plus one standing in for UIDNEXT.
    /// </summary>
    async Task<FolderStatus?> GetStatusAsync(string path, CancellationToken cancellationToken) =>
        await IndexAsync(path, cancellationToken) is { } index
            ? new FolderStatus(index.UidValidity, index.Messages.Count == 0 ? 1 : index.Messages.Max(m => m.Uid) + 1, index.Messages.Count, null)
            : null;

    /// <summary>Identities of the given messages (gone ones are left out).</summary>
    Task<IReadOnlyList<DestinationMessage>> DescribeAsync(string path, IReadOnlyList<uint> uids, CancellationToken cancellationToken);

    /// <summary>Identities of every message of the folder (empty when it does not exist).</summary>
    async Task<IReadOnlyList<DestinationMessage>> ListMessagesAsync(string path, CancellationToken cancellationToken) =>
        await IndexAsync(path, cancellationToken) is { } index ? await DescribeAsync(path, [.. index.Messages.Select(m => m.Uid)], cancellationToken) : [];
    /// <summary>Appends a batch (MULTIAPPEND where offered). A refused keyword is retried without it; a refused message is reported, not thrown.</summary>
    Task<IReadOnlyList<AppendResult>> AppendAsync(string path, IReadOnlyList<AppendItem> batch, CancellationToken cancellationToken);

    /// <summary>
    /// Reads back what the server stored at <paramref name="uids"/> (one FETCH of RFC822.SIZE for all), and the bytes
    /// of those in <paramref name="hash"/> (hashed as they stream). A UID the server no longer has is left out.
    /// <paramref name="appendsFollow"/>: more appends will run while this read-back does, so it must not hold the
    /// connection they go over (the adapter then reads on another).
    /// </summary>
    Task<IReadOnlyList<StoredMessage>> ReadStoredAsync(
        string path, IReadOnlyList<uint> uids, IReadOnlySet<uint> hash, bool appendsFollow, CancellationToken cancellationToken);
}

/// <summary>Storage quota in bytes and messages; null means the server does not limit (or report) that resource.</summary>
internal sealed record MailQuota(long? StorageLimitBytes, long StorageUsedBytes, long? MessageLimit, long? MessagesUsed)
{
    /// <summary>Bytes still free, or null when storage is not limited.</summary>
    public long? StorageFreeBytes => StorageLimitBytes - StorageUsedBytes;

    /// <summary>Limited resources Runbook does not check (Cyrus: X-NUM-FOLDERS, X-ANNOTATION-STORAGE), to be shown.</summary>
    public IReadOnlyList<QuotaResource> Others { get; init; } = [];

    /// <summary>Set when the server's quota reply could not be read: the quota is then unknown, not unlimited.</summary>
    public string? Unreadable { get; init; }

    public static MailQuota Unknown(string why) => new(null, 0, null, null) { Unreadable = why };
}

/// <summary>One quota resource as the server names and counts it (RFC 9208: usage and limit in the resource's units).</summary>
internal sealed record QuotaResource(string Name, long Usage, long Limit);

/// <summary>The server software from its ID reply ("Cyrus IMAPD 3.6.1-..."), or why that reply could not be read.</summary>
internal sealed record ServerIdentity(string? Software, string? Unreadable = null);
