using Runbook.Engine;

namespace Runbook.Steps.Mail;

internal sealed partial class FolderCopier
{
    /// <summary>The results of routes none of whose folders changed since the last completed pass: that pass's counts, nothing read.</summary>
    private List<FolderResult> Unchanged(IReadOnlyList<FolderRoute> routes) =>
        [.. routes.Select(r => (Route: r, Seen: ledger.Remembered(r.Source)!)).Select(p => new FolderResult
        {
            Account = Account,
            Source = p.Route.Source,
            Destination = p.Route.Destination,
            Listed = p.Seen.Messages,
            Present = p.Seen.Present,
            Deleted = p.Seen.Deleted,
            Unchanged = true,
        })];

    /// <summary>
    /// Attaches to each result what to remember of its source folder: the source STATUS taken before it was read, and
    /// the destination's STATUS now. Only when every message read was settled in the ledger with a destination UID
    /// (nothing refused, UIDPLUS), the source read exactly what its STATUS announced, and the destination holds exactly
    /// what was listed plus what was stored (no copy deleted meanwhile). Anything less is not remembered, so the next
    /// pass reads the folder again rather than trusting a gap.
    /// </summary>
    private async Task<IReadOnlyList<FolderResult>> RememberAsync(IReadOnlyList<Unit> units, Target target, IReadOnlyList<FolderResult> results, CancellationToken cancellationToken)
    {
        if (!session.Destination.Capabilities.UidPlus || target.UidValidity == 0 || units.All(u => u.Status is null)
            || await session.Destination.GetStatusAsync(target.Path, cancellationToken) is not { } after
            || after.UidValidity != target.UidValidity || after.Messages != target.Uids.Count + results.Sum(r => r.Copied + r.Altered))
        {
            return results;
        }

        return [.. units.Zip(results, (unit, result) => unit is { Status: { } status, Exact: true } && result is { Error: null, Rejected: 0 }
            ? result with
            {
                Seen = new FolderState
                {
                    Account = Account,
                    SourceFolder = unit.Route.Source,
                    UidValidity = status.UidValidity,
                    UidNext = status.UidNext,
                    Messages = status.Messages,
                    HighestModSeq = status.HighestModSeq,
                    DestinationFolder = target.Path,
                    DestinationUidValidity = after.UidValidity,
                    DestinationUidNext = after.UidNext,
                    DestinationMessages = after.Messages,
                    Present = result.Present + result.Copied + result.Altered,
                    Deleted = result.Deleted,
                },
            }
            : result)];
    }
}
