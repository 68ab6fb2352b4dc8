using Runbook.Adapters.Mail;
using Runbook.Engine;

namespace Runbook.Steps.Mail;

internal enum FolderScanKind
{
    /// <summary>List every message and ask the ledger about each (the first pass, and whenever the fast pass cannot be sure).</summary>
    Full,
    /// <summary>Nothing changed since the last completed pass: no listing, no identity.</summary>
    Unchanged,
    /// <summary>Only UIDs from the remembered UIDNEXT on, and the older ones whose flags changed since the remembered mod-sequence.</summary>
    Changes,
}

/// <summary>
/// How much of a source folder a pass must read, from its STATUS now and what the last completed pass saw. Anything
/// the comparison cannot vouch for (another UIDVALIDITY, fewer messages, no CONDSTORE, another destination folder, or
/// one that changed since: recreated, or a copy deleted or moved there, which a full scan counts; <c>recopy_deleted</c>,
/// which must see every deletion) is a full scan.
/// </summary>
internal static class FolderScan
{
    public static FolderScanKind Decide(FolderState? seen, FolderStatus? now, string destination, FolderStatus? destinationNow, bool recopyDeleted)
    {
        if (seen is null || now is null || destinationNow is null || recopyDeleted || seen.HighestModSeq is null || now.HighestModSeq is null
            || seen.UidValidity != now.UidValidity || seen.DestinationFolder != destination
            || seen.DestinationUidValidity != destinationNow.UidValidity || seen.DestinationUidNext != destinationNow.UidNext
            || seen.DestinationMessages != destinationNow.Messages
            || now.Messages < seen.Messages || now.UidNext < seen.UidNext || now.HighestModSeq < seen.HighestModSeq)
        {
            return FolderScanKind.Full;
        }

        return now.UidNext == seen.UidNext && now.Messages == seen.Messages && now.HighestModSeq == seen.HighestModSeq
            ? FolderScanKind.Unchanged
            : FolderScanKind.Changes;
    }
}
