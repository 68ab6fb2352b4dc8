using Runbook.Adapters.Backup;
using Runbook.Adapters.Mail;
using Runbook.Engine;
using Runbook.Errors;
using Runbook.Plan.Model;

namespace Runbook.Steps.MailBackup;

/// <summary>
/// One account's backup into every chosen target. First every folder is indexed and compared with each target's
/// manifest (source UIDVALIDITY and UID already there: not fetched again), so an unchanged mailbox costs one index
/// per folder and no message read. Then, after the targets' free space was checked against what is missing, the
/// missing messages are fetched once per batch, spooled, and written to each target; each batch ends with the
/// manifests saved, so a killed run loses at most the batch in flight and leaves no file half-written. One instance
/// per account.
/// </summary>
internal sealed partial class AccountBackup(IMailConnector mail, StepContext context, BackupParameters parameters)
{
    /// <summary>A folder's messages the targets lack, as described by the server.</summary>
    private sealed record FolderWork(SourceFolder Folder, uint UidValidity, IReadOnlyList<SourceMessage> Missing, IReadOnlyList<ManifestFolder> Manifests);

    /// <summary>Something the manifests record changed in this run (a folder, a count, a message gone).</summary>
    private bool _changed;

    public async Task<AccountBackupResult> RunAsync(AccountDefinition account, bool apply, CancellationToken cancellationToken)
    {
        var result = new AccountBackupResult(account.Email);
        try
        {
            await using var source = await parameters.OpenSourceAsync(mail, context.Plan, context.Secrets, account, cancellationToken);
            var ns = await source.GetNamespaceAsync(cancellationToken);
            var manifests = new List<BackupManifest>();
            foreach (var target in parameters.Targets)
            {
                manifests.Add(await target.OpenAsync(account.Email, parameters.Server, parameters.Protocol.ToString().ToLowerInvariant(), ns, apply, cancellationToken));
            }

            var work = await IndexAsync(source, manifests, result, cancellationToken);
            result.ToFetch = work.Sum(w => w.Missing.Count);
            for (var i = 0; i < parameters.Targets.Count; i++)
            {
                var target = parameters.Targets[i];
                var missing = work.SelectMany(w => Missing(w, w.Manifests[i])).ToList();
                result.Targets.Add(new TargetResult(target.Id, target.Root, target.Format.Name) { Planned = missing.Count, PlannedBytes = missing.Sum(m => m.Size), FreeBytes = target.FreeBytes() });
            }

            if (!apply)
            {
                return result;
            }

            CheckSpace(result);
            foreach (var folder in work.Where(w => w.Missing.Count > 0))
            {
                await CopyFolderAsync(source, folder, manifests, result, cancellationToken);
            }

            var now = context.Time.GetUtcNow();
            // An unchanged mailbox leaves the manifests as they are: a scheduled no-op run writes nothing.
            for (var i = 0; i < manifests.Count && _changed; i++)
            {
                manifests[i].UpdatedAt = now;
                await manifests[i].SaveAsync(parameters.Targets[i].AccountRoot(account.Email), cancellationToken);
            }

            for (var i = 0; i < manifests.Count; i++)
            {
                // The report shows what each target holds, not only what this (incremental) run added.
                result.Targets[i].HeldMessages = manifests[i].Folders.Sum(f => f.Messages.Count);
                result.Targets[i].HeldBytes = manifests[i].Folders.Sum(f => f.Messages.Sum(m => m.Size));
            }

            result.ServerCounts = work.ToDictionary(w => w.Folder.FullName, w => w.Manifests[0].ServerCount, StringComparer.Ordinal);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            result.Error = ex is RunbookException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
            result.ExitCode = (ex as RunbookException)?.ExitCode;
            result.Retryable = Runbook.Steps.Mail.TransientErrors.IsRetryable(ex);
        }

        return result;
    }

    /// <summary>Indexes every folder and sorts its messages against each target's manifest; records what disappeared.</summary>
    private async Task<List<FolderWork>> IndexAsync(IMailSource source, List<BackupManifest> manifests, AccountBackupResult result, CancellationToken cancellationToken)
    {
        var work = new List<FolderWork>();
        var now = context.Time.GetUtcNow();
        foreach (var folder in (await source.ListFoldersAsync(cancellationToken)).Where(f => f.Selectable))
        {
            var index = await source.IndexAsync(folder.FullName, cancellationToken);
            var listed = index.Messages.Select(m => m.SourceId).ToHashSet(StringComparer.Ordinal);
            var folders = new List<ManifestFolder>();
            var wanted = new Dictionary<string, MessageRef>(StringComparer.Ordinal);
            for (var i = 0; i < manifests.Count; i++)
            {
                var before = manifests[i].Folders.Count;
                var manifestFolder = BackupTargetStore.Folder(manifests[i], parameters.Targets[i].Format, folder);
                _changed |= manifests[i].Folders.Count != before || manifestFolder.UidValidity != index.UidValidity || manifestFolder.ServerCount != index.Messages.Count;
                var known = manifestFolder.Messages.Where(m => m.UidValidity == index.UidValidity).Select(m => m.SourceId).ToHashSet(StringComparer.Ordinal);
                foreach (var message in index.Messages.Where(m => !known.Contains(m.SourceId)))
                {
                    wanted.TryAdd(message.SourceId, message);
                }

                // Gone from the server: recorded, never deleted from the backup (it may be the only copy left).
                foreach (var gone in manifestFolder.Messages.Where(m => m.GoneAt is null && (m.UidValidity != index.UidValidity || !listed.Contains(m.SourceId))))
                {
                    gone.GoneAt = now;
                    _changed = true;
                    result.Gone++;
                }

                manifestFolder.UidValidity = index.UidValidity;
                manifestFolder.ServerCount = index.Messages.Count;
                folders.Add(manifestFolder);
            }

            var missing = wanted.Count == 0 ? [] : await source.DescribeAsync(folder.FullName, [.. wanted.Values], cancellationToken);
            work.Add(new FolderWork(folder, index.UidValidity, missing, folders));
            result.Folders++;
            result.ServerMessages += index.Messages.Count;
        }

        return work;
    }

    private static IEnumerable<SourceMessage> Missing(FolderWork work, ManifestFolder manifest)
    {
        var known = manifest.Messages.Where(m => m.UidValidity == work.UidValidity && m.GoneAt is null).Select(m => m.SourceId).ToHashSet(StringComparer.Ordinal);
        return work.Missing.Where(m => !known.Contains(m.SourceId));
    }

    /// <summary>Refuses to start when a target cannot hold what is missing (plus the mbox files a run rewrites), with a margin.</summary>
    private static void CheckSpace(AccountBackupResult result)
    {
        foreach (var target in result.Targets.Where(t => t.FreeBytes is { } free && t.PlannedBytes * 11 / 10 + (1 << 20) > free))
        {
            throw new BackupStoreException(
                $"backup target '{target.Id}' ({target.Root}) has {Runbook.Steps.Mail.MigrationReport.Bytes(target.FreeBytes!.Value)} free, but this account needs about {Runbook.Steps.Mail.MigrationReport.Bytes(target.PlannedBytes)}; nothing was copied: free space there or choose another path");
        }
    }
}
