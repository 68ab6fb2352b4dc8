using System.Globalization;
using System.Text.Json.Nodes;
using Runbook.Engine;

namespace Runbook.Steps.Pause;

/// <summary>
/// <c>pause</c>: a manual checkpoint. The run stops here (exit 3) with the step's <c>with.message</c> until a person
/// resumes it with <c>runbook approve PLAN STEP</c>. Touches nothing.
/// </summary>
internal sealed class PauseStep : IStepKind
{
    public string Name => "pause";

    public Task<StepPreview> PreviewAsync(StepContext context, CancellationToken cancellationToken) =>
        Task.FromResult(context.Approval is { } a
            ? StepPreview.NothingToDo($"pause: resumed by {a.By}")
            : StepPreview.Changes($"pause until a person runs `runbook approve {context.Plan.SourcePath} {context.Step.Id}`", Message(context)));

    public Task<StepOutcome> ApplyAsync(StepContext context, CancellationToken cancellationToken)
    {
        StepOutcome outcome = context.Approval is { } a
            ? StepOutcome.Succeeded(new JsonObject { ["resumedBy"] = a.By, ["resumedAt"] = a.At.ToString("O", CultureInfo.InvariantCulture) })
            : StepOutcome.WaitUntil(null, $"paused: {Message(context)}; resume with `runbook approve {context.Plan.SourcePath} {context.Step.Id}`");
        return Task.FromResult(outcome);
    }

    private static string Message(StepContext context) =>
        context.Step.With["message"]?.GetValue<string>() ?? "check the previous steps before going on";
}
