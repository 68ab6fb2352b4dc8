using Runbook.Adapters.Backup;
using Runbook.Adapters.Mail;
using Runbook.Engine;

namespace Runbook.Steps.MailBackup;

internal sealed partial class AccountBackup
{
    private const long BatchBytes = 64L * 1024 * 1024;

    /// <summary>Where fetched bytes wait between FETCH and the targets: the migration's spool, so memory stays flat.</summary>
    public static string SpoolRoot { get; set; } = Path.GetTempPath();

    private async Task CopyFolderAsync(IMailSource source, FolderWork work, List<BackupManifest> manifests, AccountBackupResult result, CancellationToken cancellationToken)
    {
        // The spool lives on the disk of the first target that keeps one file per message, and that target, written
        // last, takes the spooled files by rename: a Maildir backup writes each message's bytes once.
        var owner = parameters.Targets.ToList().FindIndex(t => t.Format.FilePerMessage);
        var spoolRoot = owner < 0 ? SpoolRoot : parameters.Targets[owner].AccountRoot(result.Account);
        var order = Enumerable.Range(0, manifests.Count).Where(i => i != owner).Append(owner).Where(i => i >= 0).ToList();
        var pending = order.ToDictionary(i => i, _ => new List<BackupItem>());
        try
        {
            await CopyBatchesAsync(source, work, manifests, result, owner, spoolRoot, order, pending, cancellationToken);
            foreach (var i in order.Where(i => pending[i].Count > 0))
            {
                var accountRoot = parameters.Targets[i].AccountRoot(result.Account);
                await parameters.Targets[i].Format.CommitAsync(accountRoot, work.Manifests[i], cancellationToken);
                await RecordAsync(manifests[i], work.Manifests[i], accountRoot, pending[i], result.Targets[i], cancellationToken);
            }
        }
        finally
        {
            foreach (var i in order)
            {
                parameters.Targets[i].Format.Abort(parameters.Targets[i].AccountRoot(result.Account), work.Manifests[i]);
            }
        }
    }

    private async Task CopyBatchesAsync(
        IMailSource source, FolderWork work, List<BackupManifest> manifests, AccountBackupResult result, int owner, string spoolRoot,
        List<int> order, Dictionary<int, List<BackupItem>> pending, CancellationToken cancellationToken)
    {
        foreach (var batch in Batches(work.Missing))
        {
            using var spool = new BackupSpool(spoolRoot);
            var spooled = await spool.SpoolAsync(source, work.Folder.FullName, batch, cancellationToken);
            foreach (var i in order)
            {
                var target = parameters.Targets[i];
                var folder = work.Manifests[i];
                var known = folder.Messages.Concat(pending[i].Select(p => p.Entry)).Where(m => m.UidValidity == work.UidValidity && m.GoneAt is null).Select(m => m.SourceId).ToHashSet(StringComparer.Ordinal);
                var writes = spooled.Where(m => !known.Contains(m.Source.SourceId))
                    .Select(m => new BackupItem(Entry(work, m.Source, m.Sha256, m.Length), m.Open, i == owner ? m.Path : null)).ToList();
                if (writes.Count == 0)
                {
                    continue;
                }

                var accountRoot = target.AccountRoot(result.Account);
                await target.Format.WriteAsync(accountRoot, folder, writes, cancellationToken);
                if (target.Format.FilePerMessage)
                {
                    await RecordAsync(manifests[i], folder, accountRoot, writes, result.Targets[i], cancellationToken);
                }
                else
                {
                    pending[i].AddRange(writes);
                }
            }

            result.Fetched += spooled.Count;
            context.Progress.Report(new StepProgress($"backing up {result.Account}", result.Fetched, result.ToFetch, "messages"));
        }
    }

    /// <summary>Only now, with the files renamed into place, does the manifest name them (saved atomically).</summary>
    private async Task RecordAsync(BackupManifest manifest, ManifestFolder folder, string accountRoot, List<BackupItem> writes, TargetResult stats, CancellationToken cancellationToken)
    {
        folder.Messages.AddRange(writes.Select(w => w.Entry));
        manifest.UpdatedAt = context.Time.GetUtcNow();
        await manifest.SaveAsync(accountRoot, cancellationToken);
        stats.Written += writes.Count;
        stats.WrittenBytes += writes.Sum(w => w.Entry.Size);
        stats.WrittenKeys.UnionWith(writes.Select(w => BackupVerifier.Key(w.Entry)));
    }

    private IEnumerable<List<SourceMessage>> Batches(IReadOnlyList<SourceMessage> messages)
    {
        var batch = new List<SourceMessage>();
        long bytes = 0;
        foreach (var message in messages)
        {
            if (batch.Count > 0 && (batch.Count >= parameters.BatchSize || bytes + message.Size > BatchBytes))
            {
                yield return batch;
                batch = [];
                bytes = 0;
            }

            batch.Add(message);
            bytes += message.Size;
        }

        if (batch.Count > 0)
        {
            yield return batch;
        }
    }

    private static ManifestMessage Entry(FolderWork work, SourceMessage message, string sha256, long size) => new()
    {
        UidValidity = work.UidValidity,
        Uid = message.Uid,
        SourceId = message.SourceId,
        Size = size,
        Sha256 = sha256,
        Flags = [.. message.Flags.Where(f => !string.Equals(f, "Recent", StringComparison.OrdinalIgnoreCase))],
        Keywords = [.. message.Keywords],
        InternalDate = message.InternalDate,
        MessageId = message.MessageId,
        HeaderDigest = message.HeaderDigest,
        File = "",
    };
}
