using Runbook.Adapters.Mail;
using Runbook.Engine;
using Runbook.Engine.Accounts;
using Runbook.Steps.Mail;

namespace Runbook.Steps.MailRestore;

/// <summary>
/// <c>mail.restore</c>: copies a backup target (all accounts or some, all folders or some) to the new server through the
/// migration's own pass, so it has the same fidelity and the same never-twice rule. The ledger keys a restored
/// message apart from the migration's (see <see cref="Adapters.Backup.BackupMailSource"/>): a restore after a
/// migration brings back what was deleted on the new server and duplicates nothing still there.
/// </summary>
internal sealed class MailRestoreStep(AccountConnectorFactory connect, string spoolRoot) : IStepKind
{
    public MailRestoreStep(IMailConnector mail) : this(RestoreConnector.Factory(mail), Path.GetTempPath()) { }

    public string Name => "mail.restore";

    public IReadOnlyList<string> PlanSections => ["servers", "accounts", "folders", "backup"];

    public AccountScope Accounts => AccountScope.EachOnce;

    public async Task<StepPreview> PreviewAsync(StepContext context, CancellationToken cancellationToken)
    {
        var results = await new MailPass(connect, spoolRoot).RunAsync(context, apply: false, cancellationToken);
        var preview = StepPreview.Changes(MigrationReport.Summary(results, dryRun: true), MigrationReport.Details(results, dryRun: true));
        return results.SelectMany(r => r.Folders).Sum(f => f.Missing) == 0 && MigrationReport.Failure(results) is null
            ? preview with { HasChanges = false, Summary = "nothing to restore: every backed-up message is on the new server" }
            : preview;
    }

    public async Task<StepOutcome> ApplyAsync(StepContext context, CancellationToken cancellationToken)
    {
        var results = await new MailPass(connect, spoolRoot).RunAsync(context, apply: true, cancellationToken);
        foreach (var line in MigrationReport.Details(results, dryRun: false))
        {
            context.Log.Info(line);
        }

        if (MigrationReport.Failure(results) is { } failure)
        {
            var failed = results.Where(r => r.Failed).ToList();
            var retryable = failed.All(r => r.Problems.Count == 0 && (r.Error is null || r.Retryable));
            return StepOutcome.Fail($"{MigrationReport.Summary(results, dryRun: false)}; {failed.Count} of {results.Count} account(s) FAILED:{Environment.NewLine}{failure}", retryable);
        }

        var outputs = MigrationReport.Outputs(results);
        outputs["summary"] = MigrationReport.Summary(results, dryRun: false);
        return StepOutcome.Succeeded(outputs);
    }
}
