using System.Text.Json.Nodes;
using Runbook.Adapters.Mail;
using Runbook.Engine;

namespace Runbook.Steps.Mail;

/// <summary>Opens the accounts' connections for a step run.</summary>
internal delegate IAccountConnector AccountConnectorFactory(StepContext context, MailStepParameters parameters);

/// <summary>One migration pass as a step runs it (mail.migrate once, mail.delta_sync repeatedly): logins first, then copy or count.</summary>
internal sealed class MailPass(AccountConnectorFactory connect, string spoolRoot)
{
    public static AccountConnectorFactory FromPlan(IMailConnector mail) =>
        (context, parameters) => new PlanAccountConnector(mail, context.Plan, context.Secrets, parameters.Source);

    public async Task<IReadOnlyList<AccountResult>> RunAsync(StepContext context, bool apply, CancellationToken cancellationToken)
    {
        var parameters = MailStepParameters.From(context.Plan, context.Step);
        var parallelism = parameters.Parallelism(context.Plan);
        var migration = new MailMigration(
            connect(context, parameters), parameters.Options(spoolRoot), new StateCheckpointStore(context.State), context.Time);

        // Throws AuthenticationFailedException (exit 77) or ServerUnreachableException (69) before any write.
        await migration.VerifyLoginsAsync(parameters.Accounts, parallelism, cancellationToken);
        var progress = new CopyCounter(context.Progress, apply ? "copying mail" : "counting mail");
        var results = await migration.RunAsync(parameters.Accounts, context.Plan.Folders, apply, parallelism, progress, cancellationToken);
        if (apply)
        {
            await JournalAsync(context, results, cancellationToken);
        }

        foreach (var rejection in results.SelectMany(r => r.Rejections))
        {
            context.Log.Warning($"{rejection.Account} {rejection.Folder} UID {rejection.SourceId} ({MigrationReport.Bytes(rejection.Size)}) refused by the new server: {rejection.Reason}");
        }

        return results;
    }

    private static async Task JournalAsync(StepContext context, IReadOnlyList<AccountResult> results, CancellationToken cancellationToken)
    {
        foreach (var account in results)
        {
            var copied = account.Folders.Sum(f => f.Copied);
            if (copied == 0 && account.Rejections.Count == 0 && account.Dropped.Count == 0 && !account.Failed)
            {
                continue;
            }

            var detail = MigrationReport.Outputs([account]);
            await context.State.RecordAsync(
                $"appended {copied} messages ({MigrationReport.Bytes(account.Folders.Sum(f => f.CopiedBytes))}) for {account.Account}; {account.Rejections.Count} refused",
                (JsonObject)detail["accounts"]![0]!.DeepClone(), cancellationToken);
        }
    }

    /// <summary>Adds up batch reports from parallel accounts for the progress display.</summary>
    private sealed class CopyCounter(IProgress<StepProgress> target, string activity) : IProgress<CopyProgress>
    {
        private long _messages;
        private long _bytes;

        public void Report(CopyProgress value)
        {
            var messages = Interlocked.Add(ref _messages, value.Messages);
            Interlocked.Add(ref _bytes, value.Bytes);
            target.Report(new StepProgress(activity, messages, 0, "messages"));
        }
    }
}
