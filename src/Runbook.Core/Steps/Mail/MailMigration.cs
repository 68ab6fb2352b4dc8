using Runbook.Errors;
using Runbook.Plan.Model;

namespace Runbook.Steps.Mail;

/// <summary>Runs a pass over many accounts, a few at a time, after proving every login works.</summary>
internal sealed class MailMigration(IAccountConnector connector, MigrationOptions options, IMailCheckpointStore checkpoints, TimeProvider time)
{
    /// <summary>
    /// Logs in to both servers for every account before anything is written, so a wrong password or an unreachable
    /// host stops the run with its exit code (77 / 69) and a line per account instead of a half-copied domain.
    /// </summary>
    public async Task VerifyLoginsAsync(IReadOnlyList<AccountDefinition> accounts, int parallelism, CancellationToken cancellationToken)
    {
        var failures = new System.Collections.Concurrent.ConcurrentBag<(string Account, RunbookException Error)>();
        await Parallel.ForEachAsync(accounts, Throttle(parallelism, cancellationToken), async (account, ct) =>
        {
            try
            {
                await using var session = await MailSession.OpenAsync(connector, account, ct);
            }
            catch (RunbookException ex) when (ex is AuthenticationFailedException or ServerUnreachableException)
            {
                failures.Add((account.Email, ex));
            }
        });

        if (failures.IsEmpty)
        {
            return;
        }

        var lines = string.Join(Environment.NewLine, failures.OrderBy(f => f.Account, StringComparer.Ordinal).Select(f => $"  {f.Account}: {f.Error.Message}"));
        // Unreachable wins: when a host is down, the passwords were never really tried.
        var unreachable = failures.Any(f => f.Error is ServerUnreachableException);
        var message = $"cannot log in for {failures.Count} account(s); nothing was copied:{Environment.NewLine}{lines}";
        throw unreachable ? new ServerUnreachableException(message) : new AuthenticationFailedException(message);
    }

    public async Task<IReadOnlyList<AccountResult>> RunAsync(
        IReadOnlyList<AccountDefinition> accounts, FolderMapping rules, bool apply, int parallelism,
        IProgress<CopyProgress>? progress, CancellationToken cancellationToken)
    {
        var results = new AccountResult[accounts.Count];
        var migrator = new AccountMigrator(connector, options, checkpoints, time);
        await Parallel.ForEachAsync(Enumerable.Range(0, accounts.Count), Throttle(parallelism, cancellationToken), async (i, ct) =>
        {
            try
            {
                results[i] = await migrator.RunAsync(accounts[i], rules, apply, progress, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                // One account failing (its folders listed, a login revoked mid-run) must not stop the others.
                results[i] = new AccountResult { Account = accounts[i].Email, Error = $"{ex.GetType().Name}: {ex.Message}" };
            }
        });
        return results;
    }

    private static ParallelOptions Throttle(int parallelism, CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = cancellationToken };
}
