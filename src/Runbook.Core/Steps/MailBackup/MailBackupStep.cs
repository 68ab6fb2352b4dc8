using System.Text.Json.Nodes;
using Runbook.Adapters.Backup;
using Runbook.Adapters.Mail;
using Runbook.Engine;
using Runbook.Engine.Accounts;
using Runbook.Errors;

namespace Runbook.Steps.MailBackup;

/// <summary>
/// <c>mail.backup</c>: every selected account's folders (IMAP) or INBOX (POP3) into each chosen target (maildir, mbox,
/// eml) with a manifest per account, incrementally, then (with <c>backup.verify</c>) checked: what this run wrote re-read
/// against the manifest, every other file for presence and length, the manifest against the server's counts.
/// Dry run: per target the messages and bytes that would be written and the free space there; writes nothing.
/// </summary>
/// <remarks>
/// Done once per account (<see cref="AccountScope.EachOnce"/>), like preflight and migrate: the backup before a move is
/// a one-off, and adding an account to the plan backs up that account alone. A scheduled backup does not need a kind
/// that runs on every apply: its timer runs <c>runbook reset PLAN STEP</c> before <c>apply</c>, and the manifest (not
/// the state) makes that run fetch only what is new. Keeping the scope lets `status` say which accounts are done.
/// </remarks>
internal sealed class MailBackupStep(IMailConnector mail) : IStepKind
{
    public string Name => "mail.backup";

    public IReadOnlyList<string> PlanSections => ["servers", "accounts", "backup"];

    public AccountScope Accounts => AccountScope.EachOnce;

    public async Task<StepPreview> PreviewAsync(StepContext context, CancellationToken cancellationToken)
    {
        var parameters = BackupParameters.From(context.Plan, context.Step);
        var results = await RunAsync(context, parameters, apply: false, cancellationToken);
        var messages = results.Sum(r => r.Targets.Sum(t => t.Planned));
        var details = BackupReport.Details(results, dryRun: true);
        return messages == 0 && results.All(r => r.Error is null)
            ? StepPreview.NothingToDo($"nothing to back up: every message is already in {string.Join(", ", parameters.Targets.Select(t => t.Id))}") with { Details = details }
            : StepPreview.Changes(BackupReport.Summary(results, dryRun: true), details);
    }

    public async Task<StepOutcome> ApplyAsync(StepContext context, CancellationToken cancellationToken)
    {
        var parameters = BackupParameters.From(context.Plan, context.Step);
        foreach (var target in parameters.Targets)
        {
            // Before any server is asked: a wrong path fails at once and writes nothing.
            target.CheckWritable();
        }

        var results = await RunAsync(context, parameters, apply: true, cancellationToken);
        foreach (var result in results)
        {
            if (result.Error is null && parameters.Verify)
            {
                foreach (var (target, written) in parameters.Targets.Zip(result.Targets))
                {
                    // What this run wrote is re-read; what earlier runs wrote and verified is checked by presence and
                    // length, so a scheduled run over an unchanged mailbox stays cheap (`runbook backup verify` re-reads all).
                    var check = await BackupVerifier.VerifyAsync(target, result.Account, result.ServerCounts, cancellationToken, written.WrittenKeys);
                    result.VerifyProblems.AddRange(check.Problems.Select(p => $"{target.Id}: {p}"));
                    written.Verification = new BackupCheckResult(check.Messages, check.Problems);
                }
            }

            await context.State.SetAccountOutcomeAsync(result.Account, BackupReport.Failure(result), cancellationToken);
            // A verified run is journaled even when it wrote nothing: the report shows when each backup was last checked.
            if (result.Targets.Sum(t => t.Written) > 0 || result.Failed || (parameters.Verify && result.Error is null))
            {
                await context.State.RecordAsync(BackupReport.Journal(result), BackupReport.Outputs([result], parameters.Verify), cancellationToken);
            }
        }

        foreach (var line in BackupReport.Details(results, dryRun: false))
        {
            context.Log.Info(line);
        }

        ThrowWhenNoAccountGotIn(results);
        var failed = results.Where(r => r.Failed).ToList();
        if (failed.Count > 0)
        {
            var lines = string.Join(Environment.NewLine, failed.Select(r => $"  {r.Account}: {BackupReport.Failure(r)}"));
            return StepOutcome.Fail($"{BackupReport.Summary(results, dryRun: false)}; {failed.Count} of {results.Count} account(s) FAILED:{Environment.NewLine}{lines}",
                failed.All(r => r.VerifyProblems.Count == 0 && r.Retryable));
        }

        var outputs = BackupReport.Outputs(results, parameters.Verify);
        outputs["summary"] = BackupReport.Summary(results, dryRun: false);
        return StepOutcome.Succeeded(outputs);
    }

    private async Task<IReadOnlyList<AccountBackupResult>> RunAsync(StepContext context, BackupParameters parameters, bool apply, CancellationToken cancellationToken)
    {
        var accounts = parameters.Accounts.Where(a => !context.SettledAccounts.Contains(a.Email)).ToList();
        var results = new AccountBackupResult[accounts.Count];
        var throttle = new ParallelOptions { MaxDegreeOfParallelism = parameters.Parallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, accounts.Count), throttle, async (i, ct) =>
            results[i] = await new AccountBackup(mail, context, parameters).RunAsync(accounts[i], apply, ct));
        return results;
    }

    /// <summary>Every account failed to log in for the same reason: the run exits with that reason's code (69, 77).</summary>
    private static void ThrowWhenNoAccountGotIn(IReadOnlyList<AccountBackupResult> results)
    {
        if (results.Count == 0 || results.Any(r => r.ExitCode is not (ExitCode.Unreachable or ExitCode.AuthenticationFailed)))
        {
            return;
        }

        var lines = string.Join(Environment.NewLine, results.Select(r => $"  {r.Account}: {r.Error}"));
        var message = $"cannot log in for {results.Count} account(s); nothing was backed up:{Environment.NewLine}{lines}";
        throw results.Any(r => r.ExitCode == ExitCode.Unreachable) ? new ServerUnreachableException(message) : new AuthenticationFailedException(message);
    }
}
