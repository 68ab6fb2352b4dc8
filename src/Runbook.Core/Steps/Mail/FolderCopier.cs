using Runbook.Adapters.Mail;

namespace Runbook.Steps.Mail;

/// <summary>
/// Copies the source folders routed to one destination folder: lists the source (after the checkpoint when it still
/// holds), matches against the destination's identities, and appends only what is missing, batch by batch.
/// Several sources merged into one destination are always scanned in full and share one matcher, because a checkpoint
/// cannot tell whose copies sit above it.
/// </summary>
internal sealed partial class FolderCopier(
    MailSession session,
    string account,
    MigrationOptions options,
    IMailCheckpointStore checkpoints,
    MigrationLog log)
{
    public string Account => account;

    /// <summary>One source folder's listing in this pass.</summary>
    private sealed record Scan(FolderRoute Route, uint UidValidity, MailCheckpoint? Checkpoint, IReadOnlyList<SourceMessage> Listed)
    {
        public bool Incremental => Checkpoint is not null;
    }

    public async Task<IReadOnlyList<FolderResult>> RunAsync(
        string destination, IReadOnlyList<FolderRoute> routes, bool destinationExists, bool apply, CancellationToken cancellationToken)
    {
        var useCheckpoints = routes.Count == 1;
        var scans = new List<Scan>();
        foreach (var route in routes)
        {
            scans.Add(await ScanAsync(route, useCheckpoints, cancellationToken));
        }

        if (apply && !destinationExists)
        {
            await session.Destination.EnsureFolderAsync(destination, cancellationToken);
        }

        if (scans.All(s => s.Listed.Count == 0))
        {
            return [.. scans.Select(s => Result(s, new MatchResult([], [])))];
        }

        IReadOnlyList<DestinationMessage> onDestination = destinationExists || apply
            ? await session.Destination.ListMessagesAsync(destination, cancellationToken)
            : [];

        var high = scans[0].Checkpoint?.DestinationHighUid ?? 0;
        if (scans[0].Incremental && onDestination.Count > 0 && onDestination.Max(m => m.Uid) < high)
        {
            // The destination folder was emptied or recreated: its UIDs restarted, so the checkpoint means nothing.
            scans[0] = await ScanAsync(routes[0], useCheckpoints: false, cancellationToken);
            high = 0;
        }

        var matcher = new MessageMatcher(onDestination.Where(m => m.Uid > high));
        var results = new List<FolderResult>();
        foreach (var scan in scans)
        {
            var match = matcher.Match(scan.Listed);
            var result = Result(scan, match);
            if (apply)
            {
                result = await CopyAsync(scan, match, result, useCheckpoints, cancellationToken);
            }

            results.Add(result);
        }

        return results;
    }

    private async Task<Scan> ScanAsync(FolderRoute route, bool useCheckpoints, CancellationToken cancellationToken)
    {
        var status = await session.Source.GetStatusAsync(route.Source, cancellationToken);
        var checkpoint = useCheckpoints ? await checkpoints.LoadAsync(account, Unit(route), cancellationToken) : null;
        if (checkpoint is not null && checkpoint.UidValidity != status.UidValidity)
        {
            // UIDs were renumbered: every old UID is meaningless, so list everything and let identities decide.
            checkpoint = null;
        }

        var after = options.Pop3 ? 0 : checkpoint?.LastUid ?? 0;
        var listed = await session.Source.ListMessagesAsync(route.Source, after, cancellationToken);
        IEnumerable<SourceMessage> fresh = options.Pop3
            ? listed.Where(m => checkpoint?.Uidls is not { } known || !known.Contains(m.SourceId))
            // "UID n:*" returns the last message even when its UID is below n; never trust the server's filter.
            : listed.Where(m => m.Uid > after).OrderBy(m => m.Uid);
        return new Scan(route, status.UidValidity, checkpoint, [.. fresh]);
    }

    private FolderResult Result(Scan scan, MatchResult match) => new()
    {
        Account = account,
        Source = scan.Route.Source,
        Destination = scan.Route.Destination,
        Listed = scan.Listed.Count,
        Present = match.Present.Count,
        Missing = match.Missing.Count,
        MissingBytes = match.Missing.Sum(m => m.Size),
        Incremental = scan.Incremental,
    };

    /// <summary>Checkpoint key: a changed route must not reuse the old destination's UIDs.</summary>
    internal static string Unit(FolderRoute route) => route.Source + " -> " + route.Destination;
}
