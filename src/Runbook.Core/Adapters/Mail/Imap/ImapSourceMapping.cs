using MailKit;

namespace Runbook.Adapters.Mail.Imap;

/// <summary>Translates MailKit's folder attributes and message summaries into the adapter contracts.</summary>
internal static class ImapSourceMapping
{
    public static SourceFolder Folder(IMailFolder folder) => new(
        folder.FullName,
        folder.DirectorySeparator,
        !folder.Attributes.HasFlag(FolderAttributes.NoSelect) && !folder.Attributes.HasFlag(FolderAttributes.NonExistent),
        SpecialUse(folder.Attributes));

    public static string? SpecialUse(FolderAttributes attributes) => attributes switch
    {
        _ when attributes.HasFlag(FolderAttributes.Sent) => "Sent",
        _ when attributes.HasFlag(FolderAttributes.Drafts) => "Drafts",
        _ when attributes.HasFlag(FolderAttributes.Trash) => "Trash",
        _ when attributes.HasFlag(FolderAttributes.Junk) => "Junk",
        _ when attributes.HasFlag(FolderAttributes.Archive) => "Archive",
        _ when attributes.HasFlag(FolderAttributes.All) => "All",
        _ when attributes.HasFlag(FolderAttributes.Flagged) => "Flagged",
        _ => null,
    };

    public static IReadOnlyList<string> Flags(MessageFlags flags)
    {
        var result = new List<string>(5);
        if (flags.HasFlag(MessageFlags.Seen)) result.Add("Seen");
        if (flags.HasFlag(MessageFlags.Answered)) result.Add("Answered");
        if (flags.HasFlag(MessageFlags.Flagged)) result.Add("Flagged");
        if (flags.HasFlag(MessageFlags.Deleted)) result.Add("Deleted");
        if (flags.HasFlag(MessageFlags.Draft)) result.Add("Draft");
        return result;
    }

    public static SourceMessage Message(IMessageSummary summary, byte[]? rawHeader = null)
    {
        var size = (long)(summary.Size ?? 0);
        var headers = summary.Headers ?? [];
        return new SourceMessage
        {
            SourceId = summary.UniqueId.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Uid = summary.UniqueId.Id,
            Size = size,
            Flags = Flags(summary.Flags ?? MessageFlags.None),
            Keywords = summary.Keywords?.Order(StringComparer.Ordinal).ToList() ?? [],
            InternalDate = summary.InternalDate,
            MessageId = MessageIdentity.MessageId(headers),
            HeaderDigest = rawHeader is null ? MessageIdentity.HeaderDigest(headers, size) : MessageIdentity.HeaderDigest(rawHeader, size),
        };
    }

    /// <summary>UID, size, flags with keywords, INTERNALDATE and the whole header block, via BODY.PEEK[HEADER], in one FETCH.</summary>
    public static FetchRequest ListingRequest() =>
        new(MessageSummaryItems.UniqueId | MessageSummaryItems.Size | MessageSummaryItems.Flags | MessageSummaryItems.InternalDate)
        {
            Headers = HeaderSet.All,
        };

    /// <summary>Every message's UID in an open folder (UID SEARCH ALL): a few bytes per message; with the status the EXAMINE gave, taken before the search.</summary>
    public static async Task<FolderIndex> IndexAsync(IMailFolder open, CancellationToken cancellationToken)
    {
        var opened = open.UidNext is { } uidNext
            ? new FolderStatus(open.UidValidity, uidNext.Id, open.Count, open.Supports(FolderFeature.ModSequences) ? open.HighestModSeq : null)
            : null;
        if (open.Count == 0)
        {
            return new FolderIndex(open.UidValidity, []) { Opened = opened };
        }

        var uids = await open.SearchAsync(MailKit.Search.SearchQuery.All, cancellationToken);
        return new FolderIndex(open.UidValidity, [.. uids.OrderBy(u => u.Id).Select(u => new MessageRef(u.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), u.Id))]) { Opened = opened };
    }

    /// <summary>
    /// UIDs at or above <paramref name="uidNext"/> (<c>UID FETCH n:* (UID)</c>; "n:*" also names the last message when
    /// none is that new, so it is filtered out), and, given a mod-sequence, the UIDs below whose flags changed since
    /// (<c>UID FETCH 1:n-1 (UID FLAGS) (CHANGEDSINCE m)</c>).
    /// </summary>
    public static async Task<FolderIndex> IndexChangesAsync(IMailFolder open, uint uidNext, ulong? changedSince, CancellationToken cancellationToken)
    {
        var found = new SortedSet<uint>();
        if (open.Count > 0)
        {
            var fresh = await open.FetchAsync(new UniqueIdRange(open.UidValidity, Math.Max(uidNext, 1), uint.MaxValue), new FetchRequest(MessageSummaryItems.UniqueId), cancellationToken);
            found.UnionWith(fresh.Select(s => s.UniqueId.Id).Where(id => id >= uidNext));
            if (changedSince is { } modseq && uidNext > 1)
            {
                var request = new FetchRequest(MessageSummaryItems.UniqueId | MessageSummaryItems.Flags) { ChangedSince = modseq };
                var changed = await open.FetchAsync(new UniqueIdRange(open.UidValidity, 1, uidNext - 1), request, cancellationToken);
                found.UnionWith(changed.Select(s => s.UniqueId.Id));
            }
        }

        return new FolderIndex(open.UidValidity, [.. found.Select(u => new MessageRef(u.ToString(System.Globalization.CultureInfo.InvariantCulture), u))]);
    }

    /// <summary>
    /// UIDs per FETCH of headers. MailKit keeps every summary of a FETCH, parsed headers and all, until it completes:
    /// one FETCH over a 20,000-message folder took the pass over the 200 MB target; a chunk holds a few MB.
    /// </summary>
    internal const int DescribeChunk = 1000;

    /// <summary>
    /// Describes messages of an open folder, one FETCH per <see cref="DescribeChunk"/> UIDs, in UID order. A header
    /// block the parser could not read at all (no field before a broken line) is fetched again raw for that message
    /// alone, so its identity still comes from its bytes.
    /// </summary>
    public static async Task<IReadOnlyList<SourceMessage>> DescribeAsync(IMailFolder open, IReadOnlyList<uint> uids, CancellationToken cancellationToken)
    {
        var messages = new List<SourceMessage>(uids.Count);
        foreach (var chunk in uids.Order().Chunk(DescribeChunk))
        {
            var summaries = await open.FetchAsync([.. chunk.Select(u => new UniqueId(open.UidValidity, u))], ListingRequest(), cancellationToken);
            foreach (var summary in summaries.OrderBy(s => s.UniqueId.Id))
            {
                messages.Add(Message(summary, await RawHeaderIfUnreadAsync(open, summary, cancellationToken)));
            }
        }

        return messages;
    }

    private static async Task<byte[]?> RawHeaderIfUnreadAsync(IMailFolder open, IMessageSummary summary, CancellationToken cancellationToken)
    {
        if (summary.Headers is { Count: > 0 } || summary.Size is not > 0)
        {
            return null;
        }

        using var stream = await open.GetStreamAsync(summary.UniqueId, "HEADER", cancellationToken);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, cancellationToken);
        return copy.ToArray();
    }
}
