using Runbook.Adapters.Mail;

namespace Runbook.Steps.Mail;

internal sealed partial class FolderCopier
{
    /// <summary>A batch fetched to disk, plus the messages refused before sending (over APPENDLIMIT).</summary>
    private sealed class SpooledBatch(MessageSpool spool, IReadOnlyList<AppendItem> items, IReadOnlyList<AppendResult> refused) : IDisposable
    {
        public IReadOnlyList<AppendItem> Items => items;
        public IReadOnlyList<AppendResult> Refused => refused;

        public void Dispose() => spool.Dispose();
    }

    private async Task<SpooledBatch> SpoolAsync(Unit unit, IReadOnlyList<SourceMessage> batch, CancellationToken cancellationToken)
    {
        var route = unit.Route;
        var spool = new MessageSpool(options.SpoolDirectory);
        try
        {
            var limit = session.Destination.Capabilities.AppendLimit;
            var refused = new List<AppendResult>();
            var fetch = new List<SourceMessage>();
            foreach (var message in batch)
            {
                if (limit is { } max && message.Size > max)
                {
                    // Known in advance: refuse locally instead of sending megabytes the server will throw away.
                    var item = new AppendItem { Source = message, Size = message.Size, OpenContent = () => Stream.Null };
                    refused.Add(new AppendResult(item, AppendStatus.Rejected, null, $"larger than the destination's APPENDLIMIT of {max} bytes", []));
                    continue;
                }

                fetch.Add(message);
            }

            var items = fetch.Count == 0 ? [] : await spool.SpoolAsync(session.Source, route.Source, fetch, cancellationToken);
            return new SpooledBatch(spool, [.. items.Select(item => RepairIfAsked(unit, spool, item))], refused);
        }
        catch
        {
            spool.Dispose();
            throw;
        }
    }

    private async Task<IReadOnlyList<AppendResult>> AppendAsync(Unit unit, SpooledBatch batch, CancellationToken cancellationToken)
    {
        var route = unit.Route;
        var outcomes = new List<AppendResult>(batch.Refused);
        if (batch.Items.Count > 0)
        {
            outcomes.AddRange(await session.Destination.AppendAsync(route.Destination, batch.Items, cancellationToken));
        }

        foreach (var outcome in outcomes)
        {
            var source = outcome.Item.Source;
            if (outcome.Status == AppendStatus.Rejected)
            {
                log.Rejections.Add(new MessageRejection(Account, route.Source, source.SourceId, source.Size, outcome.Reason ?? "refused by the destination") { UidValidity = unit.UidValidity });
            }
            else if (outcome.DroppedKeywords.Count > 0)
            {
                log.Dropped.Add(new DroppedKeywords(Account, route.Source, source.SourceId, outcome.DroppedKeywords));
            }
        }

        var stored = outcomes.Where(o => o.Status == AppendStatus.Stored).ToList();
        log.Report(stored.Sum(o => o.Item.Size), stored.Count);
        return outcomes;
    }

    /// <summary>Waits for a prefetch nobody will append (the pass failed or was cancelled) and deletes its files.</summary>
    private static async Task DiscardAsync(Task<SpooledBatch>? pending)
    {
        if (pending is null)
        {
            return;
        }

        try
        {
            (await pending).Dispose();
        }
#pragma warning disable CA1031 // The failure that ended the pass is the one to report; the prefetch's own error adds nothing.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
