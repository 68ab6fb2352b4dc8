using Runbook.Engine;
using Runbook.Errors;
using Runbook.Plan.Model;

namespace Runbook.Steps.Mail;

/// <summary>
/// Runs a pass over many accounts, a few at a time. Each account's outcome is its own: one that cannot log in, or
/// whose server is busy, is retried with backoff while the others go on, and fails alone if it never succeeds.
/// </summary>
internal sealed class MailMigration(IAccountConnector connector, MigrationOptions options, ICopyLedger ledger, TimeProvider time)
{
    public async Task<IReadOnlyList<AccountResult>> RunAsync(
        IReadOnlyList<AccountDefinition> accounts, FolderMapping rules, bool apply, int parallelism,
        IProgress<CopyProgress>? progress, CancellationToken cancellationToken)
    {
        var results = new AccountResult[accounts.Count];
        var migrator = new AccountMigrator(connector, options, ledger, time);
        var throttle = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, accounts.Count), throttle, async (i, ct) =>
            results[i] = await RunAccountAsync(migrator, accounts[i], rules, apply, progress, ct));
        return results;
    }

    /// <summary>One account, retried as a whole after a retryable failure (a dropped connection while listing, a busy mailbox).</summary>
    private async Task<AccountResult> RunAccountAsync(
        AccountMigrator migrator, AccountDefinition account, FolderMapping rules, bool apply, IProgress<CopyProgress>? progress, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await migrator.RunAsync(account, rules, apply, progress, cancellationToken);
            }
            catch (Exception ex) when (TransientErrors.IsRetryable(ex) && attempt < options.RetryAttempts && !cancellationToken.IsCancellationRequested)
            {
                // The ledger makes the second try cheap and duplicate-free: what the first one copied is settled.
                await Task.Delay(TransientErrors.Backoff(attempt, options.RetryBackoff, options.MaxBackoff), time, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var tries = attempt > 1 ? $" (after {attempt} tries)" : "";
                return new AccountResult
                {
                    Account = account.Email,
                    Error = (ex is RunbookException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}") + tries,
                    Retryable = TransientErrors.IsRetryable(ex),
                    ExitCode = (ex as RunbookException)?.ExitCode,
                };
            }
        }
    }
}
