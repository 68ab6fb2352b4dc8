using Runbook.Engine;

namespace Runbook.Steps.Mail;

/// <summary>
/// The preview and apply of a copy done once per account (<c>mail.migrate</c>, <c>mail.restore</c>): one pass, the
/// per-folder lines, a failure naming only the failed accounts, and the open exceptions in the outputs.
/// </summary>
internal static class OneTimeCopy
{
    public static async Task<StepPreview> PreviewAsync(MailPass pass, StepContext context, string nothingToDo, CancellationToken cancellationToken)
    {
        var results = await pass.RunAsync(context, apply: false, cancellationToken);
        var preview = StepPreview.Changes(MigrationReport.Summary(results, dryRun: true), MigrationReport.Details(results, dryRun: true));
        return results.SelectMany(r => r.Folders).Sum(f => f.Missing) == 0 && MigrationReport.Failure(results) is null
            ? preview with { HasChanges = false, Summary = nothingToDo }
            : preview;
    }

    public static async Task<StepOutcome> ApplyAsync(MailPass pass, StepContext context, CancellationToken cancellationToken)
    {
        var results = await pass.RunAsync(context, apply: true, cancellationToken);
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
