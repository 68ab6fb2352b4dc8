using System.Text.Json.Nodes;
using Runbook.Adapters.Report;
using Runbook.Engine;

namespace Runbook.Steps.Report;

/// <summary>
/// <c>report</c>: renders the state so far into <c>report.path</c> (default beside the plan) in <c>report.formats</c>.
/// It reads the state through its own read-only connection (the run's connection belongs to the engine) and
/// touches no server; the dry run renders nothing and says where it would write.
/// </summary>
internal sealed class ReportStep(IReportRenderer renderer, IStateBackend state) : IStepKind
{
    public string Name => "report";

    public IReadOnlyList<string> PlanSections => ["report"];

    public Task<StepPreview> PreviewAsync(StepContext context, CancellationToken cancellationToken)
    {
        var basePath = ReportOutput.BasePath(context.Plan, null);
        return Task.FromResult(StepPreview.Changes(
            $"write the report ({string.Join(", ", context.Plan.Report.Formats)}) to {basePath}.*",
            [.. context.Plan.Report.Formats.Select(f => ReportOutput.FileFor(basePath, f))]));
    }

    public async Task<StepOutcome> ApplyAsync(StepContext context, CancellationToken cancellationToken)
    {
        var statePath = context.StatePath ?? "";
        await using var store = context.StatePath is null ? null : await (context.StateBackend ?? state).OpenReadOnlyAsync(statePath, context.Time, cancellationToken);
        var model = await new ReportModel(context.Plan, store, statePath, context.Time).BuildAsync(cancellationToken);
        IReadOnlyList<string> files;
        try
        {
            files = await new ReportOutput(renderer).WriteAsync(context.Plan, model, context.Plan.Report.Formats, ReportOutput.BasePath(context.Plan, null), cancellationToken);
        }
        catch (ReportTemplateException ex)
        {
            return StepOutcome.Fail(ex.Message, retryable: false);
        }

        foreach (var file in files)
        {
            context.Log.Info($"report written: {file}");
        }

        var outputs = new JsonObject
        {
            ["summary"] = $"report written: {string.Join(", ", files.Select(Path.GetFileName))}",
            ["files"] = new JsonArray([.. files.Select(f => (JsonNode)f)]),
        };
        await context.State.RecordAsync($"report written to {string.Join(", ", files)}", outputs.DeepClone().AsObject(), cancellationToken);
        return StepOutcome.Succeeded(outputs);
    }
}
