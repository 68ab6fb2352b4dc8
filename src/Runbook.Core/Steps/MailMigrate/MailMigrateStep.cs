using Runbook.Adapters.Mail;
using Runbook.Engine;
using Runbook.Engine.Accounts;
using Runbook.Steps.Mail;

namespace Runbook.Steps.MailMigrate;

/// <summary>
/// <c>mail.migrate</c>: copies every selected account's mail old → new, byte for byte, never twice. Dry run: per account
/// and folder the mapping and what would be copied (read-only probes). Apply: copy; refused messages are listed.
/// </summary>
internal sealed class MailMigrateStep(AccountConnectorFactory connect, string spoolRoot) : IStepKind
{
    public MailMigrateStep(IMailConnector mail) : this(MailPass.FromPlan(mail), Path.GetTempPath()) { }

    public string Name => "mail.migrate";

    public IReadOnlyList<string> PlanSections => ["servers", "accounts", "folders"];

    public AccountScope Accounts => AccountScope.EachOnce;

    public async Task<StepPreview> PreviewAsync(StepContext context, CancellationToken cancellationToken)
    {
        var results = await new MailPass(connect, spoolRoot).RunAsync(context, apply: false, cancellationToken);
        var missing = results.SelectMany(r => r.Folders).Sum(f => f.Missing);
        var preview = StepPreview.Changes(MigrationReport.Summary(results, dryRun: true), MigrationReport.Details(results, dryRun: true));
        return missing == 0 && MigrationReport.Failure(results) is null
            ? preview with { HasChanges = false, Summary = "nothing to copy: every message is already on the new server" }
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
            // Every other account is done and recorded; the step's retry (or the next apply) runs the failed ones alone.
            var failed = results.Where(r => r.Failed).ToList();
            var retryable = failed.All(r => r.Problems.Count == 0 && (r.Error is null || r.Retryable));
            return StepOutcome.Fail(
                $"{MigrationReport.Summary(results, dryRun: false)}; {failed.Count} of {results.Count} account(s) FAILED:{Environment.NewLine}{failure}", retryable);
        }

        var outputs = MigrationReport.Outputs(results);
        outputs["summary"] = MigrationReport.Summary(results, dryRun: false);
        return StepOutcome.Succeeded(await MailPass.WithExceptionsAsync(context, outputs, cancellationToken));
    }
}
