using Runbook.Adapters.Mail;
using Runbook.Engine;

namespace Runbook.Steps.Mail;

/// <summary>
/// Copies the source folders routed to one destination folder. The copy ledger settles every source message it
/// knows: its copy is still there (present), or a person deleted or moved it on the new server (never copied again,
/// unless <see cref="MigrationOptions.RecopyDeleted"/>). Only what the ledger does not know is described and matched
/// by content against the destination copies no entry speaks for; what is still missing is appended, batch by batch,
/// and each confirmed batch goes into the ledger. A destination folder whose UIDVALIDITY changed (deleted and
/// recreated) is matched by content again, so it is refilled without duplicates.
/// </summary>
internal sealed partial class FolderCopier(
    MailSession session,
    AccountLedger ledger,
    MigrationOptions options,
    MigrationLog log)
{
    public string Account => ledger.Account;

    /// <summary>One source folder's messages in this pass, sorted by what the ledger says of them.</summary>
    private sealed record Unit(FolderRoute Route, uint UidValidity, int Listed)
    {
        public int Present { get; set; }
        public int Deleted { get; set; }
        public List<MessageRef> Unknown { get; } = [];
        public List<MessageRef> Recopy { get; } = [];
        /// <summary>The folder's STATUS taken before it was read: what is remembered once its pass completes (null for POP3).</summary>
        public FolderStatus? Status { get; init; }
        /// <summary>Nothing changed since the last completed pass: the counts are that pass's, and nothing is read.</summary>
        public bool Unchanged { get; init; }
        /// <summary>What was read matches the STATUS exactly (no mail arrived or left in between), so it may be remembered.</summary>
        public bool Exact { get; set; } = true;
    }

    /// <summary>The destination folder as this pass found it: UIDVALIDITY (0 when it does not exist yet) and UIDs.</summary>
    private sealed record Target(string Path, uint UidValidity, IReadOnlySet<uint> Uids);

    public async Task<IReadOnlyList<FolderResult>> RunAsync(
        string destination, IReadOnlyList<FolderRoute> routes, bool destinationExists, bool apply, CancellationToken cancellationToken)
    {
        if (apply && !destinationExists)
        {
            await session.Destination.EnsureFolderAsync(destination, cancellationToken);
        }

        // STATUS before anything is read, so what a completed pass remembers never claims more than it read. Only a
        // folder a completed pass remembers can be skipped or read in part; any other is listed in full, and the
        // EXAMINE that listing opens it with reports the same status first (see SortAsync): a round trip saved per folder.
        var statuses = new Dictionary<FolderRoute, FolderStatus?>();
        foreach (var route in routes)
        {
            statuses[route] = ledger.Remembered(route.Source) is null ? null : await session.Source.GetFolderStatusAsync(route.Source, cancellationToken);
        }

        var remembered = routes.Any(r => statuses[r] is not null && ledger.Remembered(r.Source) is not null);
        var before = remembered && (destinationExists || apply) ? await session.Destination.GetStatusAsync(destination, cancellationToken) : null;
        var scans = routes.ToDictionary(r => r, r => FolderScan.Decide(ledger.Remembered(r.Source), statuses[r], destination, before, options.RecopyDeleted));
        if (scans.Values.All(s => s == FolderScanKind.Unchanged))
        {
            return Unchanged(routes);
        }

        await ledger.EnsureLoadedAsync(cancellationToken);
        var index = await session.Destination.IndexAsync(destination, cancellationToken);
        var target = new Target(destination, index?.UidValidity ?? 0, index?.Messages.Select(m => m.Uid).ToHashSet() ?? []);
        var units = new List<Unit>();
        foreach (var route in routes)
        {
            // The destination must still be as its STATUS said: a copy deleted meanwhile is only counted by a full scan.
            var scan = before is not null && before.UidValidity == target.UidValidity && before.Messages == target.Uids.Count ? scans[route] : FolderScanKind.Full;
            units.Add(await SortAsync(route, statuses[route], scan, target, cancellationToken));
        }

        // Destination copies no ledger entry speaks for: mail that arrived there, a person's moves, copies whose
        // ledger write a crash lost. Only these can be a content match, and only they are described.
        var matcher = new MessageMatcher([]);
        var claimed = ledger.Claimed(destination, target.UidValidity, units.Select(u => (u.Route.Source, u.UidValidity)).ToHashSet());
        var unclaimed = target.Uids.Where(u => !claimed.Contains(u)).Order().ToList();
        if (units.Any(u => u.Unknown.Count > 0) && unclaimed.Count > 0)
        {
            matcher = new MessageMatcher(await session.Destination.DescribeAsync(destination, unclaimed, cancellationToken));
        }

        var results = new List<FolderResult>();
        foreach (var unit in units)
        {
            results.Add(await RunUnitAsync(unit, target, matcher, apply, cancellationToken));
        }

        return apply ? await RememberAsync(units, target, results, cancellationToken) : results;
    }

    private async Task<FolderResult> RunUnitAsync(Unit unit, Target target, MessageMatcher matcher, bool apply, CancellationToken cancellationToken)
    {
        var route = unit.Route;
        IReadOnlyList<SourceMessage> described = unit.Unknown.Count + unit.Recopy.Count == 0
            ? []
            : await session.Source.DescribeAsync(route.Source, [.. unit.Unknown, .. unit.Recopy], cancellationToken);
        var recopyIds = unit.Recopy.Select(m => m.SourceId).ToHashSet(StringComparer.Ordinal);
        var match = matcher.Match([.. described.Where(m => !recopyIds.Contains(m.SourceId))]);
        List<SourceMessage> missing = [.. match.Missing, .. described.Where(m => recopyIds.Contains(m.SourceId))];
        var result = new FolderResult
        {
            Account = Account,
            Source = route.Source,
            Destination = route.Destination,
            Listed = unit.Listed,
            Present = unit.Present + match.Present.Count,
            Deleted = unit.Deleted,
            Unchanged = unit.Unchanged,
            Missing = missing.Count,
            MissingBytes = missing.Sum(m => m.Size),
        };

        if (!apply)
        {
            return result;
        }

        // Found by content: remembered before anything is copied, so the next pass settles them from the ledger.
        await ledger.RecordAsync([.. match.Present.Select(p => Entry(unit, target, p.Source, p.DestinationUid, LedgerHow.Matched))], cancellationToken);
        return await CopyAsync(unit, target, missing, result, cancellationToken);
    }

    private LedgerEntry Entry(Unit unit, Target target, SourceMessage message, uint destinationUid, LedgerHow how) => new()
    {
        Account = Account,
        SourceFolder = unit.Route.Source,
        SourceUidValidity = unit.UidValidity,
        SourceId = message.SourceId,
        Identity = message.HeaderDigest,
        Size = message.Size,
        DestinationFolder = target.Path,
        DestinationUidValidity = target.UidValidity,
        DestinationUid = destinationUid,
        How = how,
    };
}
