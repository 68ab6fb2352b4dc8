namespace Runbook.Steps.Verify;

/// <summary>What verify found about one message. Only <see cref="Extra"/> and <see cref="MovedAfterCopy"/> are not failures.</summary>
internal enum IssueKind
{
    /// <summary>A source message with no copy of the same bytes on the new server, and no record of a copy.</summary>
    Missing,
    /// <summary>A copy with the same identity (Message-ID or header block) but other bytes: the content changed.</summary>
    Altered,
    /// <summary>More copies of these bytes in the destination folder than the source folders hold.</summary>
    Duplicated,
    /// <summary>The bytes arrived, but flags, keywords or INTERNALDATE differ.</summary>
    AttributesDiffer,
    /// <summary>The ledger shows it was copied, and the new server no longer has it anywhere: a person deleted it.</summary>
    DeletedAfterCopy,
    /// <summary>The ledger shows it was copied, and the same bytes now sit in another folder: a person moved it.</summary>
    MovedAfterCopy,
    /// <summary>On the new server only (mail that arrived after the switch): listed, never a failure.</summary>
    Extra,
}

/// <summary>One finding, with the message's decoded facts; <see cref="Detail"/> says what differs or where it went.</summary>
internal sealed record MessageIssue(IssueKind Kind, string SourceFolder, string DestinationFolder, MessageFacts Message, string? Detail = null);

/// <summary>
/// One destination folder and the source folders mapped into it (several for a merge): source count vs destination
/// count, and how many copies the ledger shows a person removed since (their destination UID is gone).
/// </summary>
internal sealed record FolderCount(IReadOnlyList<string> Sources, string Destination, bool DestinationExists, int SourceCount, int DestinationCount, int RemovedByPerson)
{
    public bool Passed => DestinationCount + RemovedByPerson >= SourceCount;
}

/// <summary>The comparison of one account's two mailboxes, or why it could not be made.</summary>
internal sealed record AccountComparison(string Account, bool Pop3, IReadOnlyList<FolderCount> Counts, IReadOnlyList<MessageIssue> Issues, int SourceMessages, int Matched, string? Error = null)
{
    public static AccountComparison Failed(string account, string error) => new(account, false, [], [], 0, 0, error);

    public IEnumerable<MessageIssue> Of(IssueKind kind) => Issues.Where(i => i.Kind == kind);
}
