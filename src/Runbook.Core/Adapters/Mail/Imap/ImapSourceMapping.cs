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

    public static SourceMessage Message(IMessageSummary summary)
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
            HeaderDigest = MessageIdentity.HeaderDigest(headers, size),
        };
    }

    /// <summary>UID, size, flags with keywords, INTERNALDATE and the stable headers, via BODY.PEEK, in one FETCH.</summary>
    public static FetchRequest ListingRequest() =>
        new(MessageSummaryItems.UniqueId | MessageSummaryItems.Size | MessageSummaryItems.Flags | MessageSummaryItems.InternalDate)
        {
            Headers = new HeaderSet(MessageIdentity.StableHeaders),
        };
}
