using Runbook.Adapters.Mail;
using Runbook.Engine;
using Runbook.Errors;
using Runbook.Plan.Model;

namespace Runbook.Steps.Mail;

/// <summary>
/// One account's pass: load its ledger, map folders, then copy (or, in a dry run, count) each destination folder as
/// one unit. A unit retries with backoff after a dropped connection (reconnect, re-read the destination, so never a
/// duplicate); a unit that keeps failing or times out is recorded as failed and the next unit runs.
/// </summary>
internal sealed class AccountMigrator(IAccountConnector connector, MigrationOptions options, ICopyLedger store, TimeProvider time)
{
    public async Task<AccountResult> RunAsync(
        AccountDefinition account, FolderMapping rules, bool apply, IProgress<CopyProgress>? progress, CancellationToken cancellationToken)
    {
        var log = new MigrationLog(progress);
        var ledger = await AccountLedger.LoadAsync(store, account.Email, cancellationToken);
        await using var session = await MailSession.OpenAsync(connector, account, cancellationToken);
        var (map, destinationFolders, destinationNamespace) = await MapAsync(session, rules, cancellationToken);
        if (!map.IsValid)
        {
            return new AccountResult { Account = account.Email, Routes = map.Routes, Problems = map.Problems };
        }

        // The listing the map was made from: a second LIST would cost a round trip per account for the same answer.
        // A parent that cannot hold messages (\Noselect, \NonExistent) is not there yet for a copy into it.
        var existing = new HashSet<string>(StringComparer.Ordinal);
        foreach (var folder in destinationFolders.Where(f => f.Selectable))
        {
            existing.Add(FolderMapper.Translate(folder, destinationNamespace, []) ?? folder.FullName);
        }

        var copier = new FolderCopier(session, ledger, options, log);
        var folders = new List<FolderResult>();
        foreach (var unit in map.ByDestination())
        {
            var routes = unit.ToList();
            folders.AddRange(await RunUnitAsync(session, copier, unit.Key, routes, existing.Contains(unit.Key), apply, cancellationToken));
            ledger.Forget(routes.Select(r => r.Source));
        }

        // Only after every unit ran, in one transaction: a pass cut short remembers nothing, and the next one reads again.
        await ledger.RememberAsync([.. folders.Select(f => f.Seen).OfType<FolderState>()], cancellationToken);

        return new AccountResult
        {
            Account = account.Email,
            Routes = map.Routes,
            Folders = folders,
            Rejections = [.. log.Rejections],
            Alterations = [.. log.Alterations],
            Repairs = [.. log.Repairs],
            Dropped = [.. log.Dropped],
            ContentMatchOnly = ledger.WasEmpty && folders.Any(f => f.Present > 0),
        };
    }

    private static async Task<(FolderMap Map, IReadOnlyList<SourceFolder> DestinationFolders, MailNamespace DestinationNamespace)> MapAsync(
        MailSession session, FolderMapping rules, CancellationToken cancellationToken)
    {
        var sourceNamespace = await session.Source.GetNamespaceAsync(cancellationToken);
        var sourceFolders = await session.Source.ListFoldersAsync(cancellationToken);
        var destinationNamespace = await session.Destination.GetNamespaceAsync(cancellationToken);
        var destinationFolders = await session.Destination.ListFoldersAsync(cancellationToken);
        return (FolderMapper.Map(sourceFolders, sourceNamespace, destinationFolders, destinationNamespace, rules), destinationFolders, destinationNamespace);
    }

    private async Task<IReadOnlyList<FolderResult>> RunUnitAsync(
        MailSession session, FolderCopier copier, string destination, IReadOnlyList<FolderRoute> routes,
        bool exists, bool apply, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var timeout = new CancellationTokenSource(options.FolderTimeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            string error;
            try
            {
                await session.EnsureConnectedAsync(linked.Token);
                return await copier.RunAsync(destination, routes, exists, apply, linked.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                error = $"timed out after {options.FolderTimeout}";
            }
            catch (Exception ex) when (TransientErrors.IsRetryable(ex))
            {
                error = $"{ex.GetType().Name}: {ex.Message}";
                if (attempt < options.RetryAttempts)
                {
                    session.MarkBroken();
                    await Task.Delay(TransientErrors.Backoff(attempt, options.RetryBackoff, options.MaxBackoff), time, cancellationToken);
                    continue;
                }

                error += $" (after {attempt} tries)";
            }
            catch (StepFailedException ex)
            {
                // The server refused this folder (NO/BAD): the next unit may well work.
                error = ex.Message;
            }

            // The connection may be mid-command after a timeout or repeated failures: the next unit starts on a fresh one.
            session.MarkBroken();
            return [.. routes.Select(r => new FolderResult { Account = copier.Account, Source = r.Source, Destination = r.Destination, Error = error })];
        }
    }
}
