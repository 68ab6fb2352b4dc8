using System.Globalization;
using Runbook.Adapters.Mail;
using Runbook.Engine;
using Runbook.Engine.Accounts;
using Runbook.Steps.Mail;

namespace Runbook.Steps.MailDeltaSync;

/// <summary>
/// <c>mail.delta_sync</c>: after the MX switch, copies what still lands on the old server. Each apply runs one pass
/// (checkpoints make it cheap), then waits for the next interval instead of holding the process (exit 3), until the
/// deadline; the pass at or after the deadline is the last one, and then the step is done.
/// </summary>
internal sealed class MailDeltaSyncStep(AccountConnectorFactory connect, string spoolRoot) : IStepKind
{
    public MailDeltaSyncStep(IMailConnector mail) : this(MailPass.FromPlan(mail), Path.GetTempPath()) { }

    public string Name => "mail.delta_sync";

    public IReadOnlyList<string> PlanSections => ["servers", "accounts", "folders"];

    public AccountScope Accounts => AccountScope.EveryPass;

    public async Task<StepPreview> PreviewAsync(StepContext context, CancellationToken cancellationToken)
    {
        var schedule = await DeltaSchedule.FromAsync(context, cancellationToken);
        var results = await new MailPass(connect, spoolRoot).RunAsync(context, apply: false, cancellationToken);
        return StepPreview.Changes(
            $"sync every {schedule.Interval} {schedule.Describe}; next pass would {MigrationReport.Summary(results, dryRun: true)}",
            MigrationReport.Details(results, dryRun: true));
    }

    public async Task<StepOutcome> ApplyAsync(StepContext context, CancellationToken cancellationToken)
    {
        var schedule = await DeltaSchedule.FromAsync(context, cancellationToken);
        var results = await new MailPass(connect, spoolRoot).RunAsync(context, apply: true, cancellationToken);
        var summary = MigrationReport.Summary(results, dryRun: false);
        context.Log.Info($"delta pass: {summary}");
        var totals = await DeltaTotals.AddAsync(context, results, cancellationToken);
        var failure = MigrationReport.Failure(results);
        var now = context.Time.GetUtcNow();
        if (schedule.Deadline is { } deadline && now >= deadline)
        {
            if (failure is not null)
            {
                return StepOutcome.Fail($"last delta pass: {summary}; failed:{Environment.NewLine}{failure}", retryable: true);
            }

            var outputs = MigrationReport.Outputs(results);
            outputs["summary"] = $"{totals.Passes} passes copied {MigrationReport.Count(totals.Copied)} messages ({MigrationReport.Bytes(totals.Bytes)}) in all; last pass {summary}";
            outputs["passes"] = totals.Passes;
            outputs["copied_all_passes"] = totals.Copied;
            outputs["copied_bytes_all_passes"] = totals.Bytes;
            outputs["finished_at"] = now.ToString("O", CultureInfo.InvariantCulture);
            return StepOutcome.Succeeded(await MailPass.WithExceptionsAsync(context, outputs, cancellationToken));
        }

        var next = now + schedule.Interval;
        if (schedule.Deadline is { } end && next > end)
        {
            next = end;
        }

        // A failed folder is retried by the next pass anyway; say so instead of stopping the sync.
        var reason = failure is null ? $"delta sync {schedule.Describe}: last pass {summary}" : $"delta sync: last pass had failures, retrying next pass: {failure}";
        return StepOutcome.WaitUntil(next, reason);
    }
}
