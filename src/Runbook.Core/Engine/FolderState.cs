namespace Runbook.Engine;

/// <summary>
/// What the last completed pass saw of one source folder, from a STATUS taken before it listed the folder: a next
/// pass that finds the same UIDVALIDITY, UIDNEXT, count and HIGHESTMODSEQ (and the same destination) has nothing
/// to do there, provided the destination folder did not change either. Present and Deleted are that pass's counts,
/// reported again for a folder it skips.
/// </summary>
internal sealed record FolderState
{
    public required string Account { get; init; }
    public required string SourceFolder { get; init; }
    public required uint UidValidity { get; init; }
    public required uint UidNext { get; init; }
    public required int Messages { get; init; }
    /// <summary>CONDSTORE's HIGHESTMODSEQ; null when the server has no CONDSTORE (such a folder is always scanned in full).</summary>
    public ulong? HighestModSeq { get; init; }
    public required string DestinationFolder { get; init; }
    public required uint DestinationUidValidity { get; init; }
    /// <summary>The destination folder's UIDNEXT and count after the pass: unchanged, no copy there was deleted or moved since.</summary>
    public required uint DestinationUidNext { get; init; }
    public required int DestinationMessages { get; init; }
    public required int Present { get; init; }
    public required int Deleted { get; init; }
    /// <summary>Filled in by the state: the step that wrote the row and when.</summary>
    public string StepId { get; init; } = "";
    public DateTimeOffset At { get; init; }
}
