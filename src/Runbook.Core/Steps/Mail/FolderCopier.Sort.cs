using Runbook.Adapters.Mail;
using Runbook.Engine;

namespace Runbook.Steps.Mail;

internal sealed partial class FolderCopier
{
    /// <summary>Lists a source folder's ids (all, or only what changed since the last completed pass) and asks the ledger about each.</summary>
    private async Task<Unit> SortAsync(FolderRoute route, FolderStatus? status, FolderScanKind scan, Target target, CancellationToken cancellationToken)
    {
        var seen = ledger.Remembered(route.Source);
        switch (scan)
        {
            case FolderScanKind.Unchanged:
                return new Unit(route, status!.UidValidity, status.Messages) { Status = status, Unchanged = true, Present = seen!.Present, Deleted = seen.Deleted };
            case FolderScanKind.Changes when await SortChangesAsync(route, status!, seen!, target, cancellationToken) is { } unit:
                return unit;
        }

        var index = await session.Source.IndexAsync(route.Source, cancellationToken);
        status ??= index.Opened;
        var full = new Unit(route, index.UidValidity, index.Messages.Count) { Status = status };
        full.Exact = status is not null && status.UidValidity == index.UidValidity && status.Messages == index.Messages.Count
            && index.Messages.All(m => m.Uid < status.UidNext);
        foreach (var message in index.Messages)
        {
            Classify(full, message, target, count: true);
        }

        return full;
    }

    /// <summary>
    /// Reads only the UIDs from the remembered UIDNEXT on, and the older ones whose flags changed; null (a full scan)
    /// when the folder was renumbered or lost messages meanwhile. An older message is settled by the ledger as in a
    /// full scan, but only new ones add to the remembered counts.
    /// </summary>
    private async Task<Unit?> SortChangesAsync(FolderRoute route, FolderStatus status, FolderState seen, Target target, CancellationToken cancellationToken)
    {
        var changes = await session.Source.IndexChangesAsync(route.Source, seen.UidNext, seen.HighestModSeq, cancellationToken);
        var fresh = changes.Messages.Where(m => m.Uid >= seen.UidNext).ToList();
        if (changes.UidValidity != seen.UidValidity || seen.Messages + fresh.Count(m => m.Uid < status.UidNext) != status.Messages)
        {
            return null;
        }

        var unit = new Unit(route, changes.UidValidity, status.Messages) { Status = status, Present = seen.Present, Deleted = seen.Deleted };
        unit.Exact = changes.Messages.All(m => m.Uid < status.UidNext);
        foreach (var message in changes.Messages)
        {
            Classify(unit, message, target, count: message.Uid >= seen.UidNext);
        }

        return unit;
    }

    private void Classify(Unit unit, MessageRef message, Target target, bool count)
    {
        var entry = ledger.Find(unit.Route.Source, unit.UidValidity, message.SourceId);
        if (entry is not { DestinationUid: > 0 } || entry.DestinationFolder != target.Path || entry.DestinationUidValidity != target.UidValidity)
        {
            // Never copied, copied without a known UID, routed elsewhere then, or the folder was recreated since.
            unit.Unknown.Add(message);
        }
        else if (target.Uids.Contains(entry.DestinationUid))
        {
            unit.Present += count ? 1 : 0;
        }
        else if (options.RecopyDeleted)
        {
            unit.Recopy.Add(message);
        }
        else
        {
            unit.Deleted += count ? 1 : 0;
        }
    }
}
