using System.Text.Json.Nodes;
using Runbook.Engine;

namespace Runbook.TestHost;

/// <summary>
/// <c>test.effect</c> (<c>with: { units: N }</c>): N effects, each checked against the destination before it is
/// written, with a checkpoint per unit as the shortcut. Kill points sit between every two things it does.
/// </summary>
internal sealed class EffectStepKind(EffectStore effects, KillPoints points) : IStepKind
{
    public string Name => "test.effect";

    public Task<StepPreview> PreviewAsync(StepContext context, CancellationToken cancellationToken)
    {
        var missing = Units(context).Count(u => !effects.Contains(Key(context, u)));
        return Task.FromResult(missing == 0 ? StepPreview.NothingToDo("every unit is there") : StepPreview.Changes($"write {missing} units"));
    }

    public async Task<StepOutcome> ApplyAsync(StepContext context, CancellationToken cancellationToken)
    {
        points.Reach($"{context.Step.Id} start", cancellationToken);
        var written = 0;
        foreach (var unit in Units(context))
        {
            points.Reach($"{context.Step.Id}/{unit} before", cancellationToken);
            if (await context.State.GetCheckpointAsync($"unit/{unit}", cancellationToken) != "done")
            {
                if (effects.WriteOnce(Key(context, unit)))
                {
                    written++;
                    await context.State.RecordAsync($"wrote {Key(context, unit)}", null, cancellationToken);
                }

                points.Reach($"{context.Step.Id}/{unit} written", cancellationToken);
                await context.State.SetCheckpointAsync($"unit/{unit}", "done", cancellationToken);
            }
            else
            {
                points.Reach($"{context.Step.Id}/{unit} written", cancellationToken);
            }

            points.Reach($"{context.Step.Id}/{unit} checkpointed", cancellationToken);
            context.Progress.Report(new StepProgress("units", unit, Units(context).Count()));
        }

        points.Reach($"{context.Step.Id} end", cancellationToken);
        return StepOutcome.Succeeded(new JsonObject { ["written"] = written });
    }

    private static IEnumerable<int> Units(StepContext context) =>
        Enumerable.Range(1, int.Parse(context.Step.With["units"]?.ToJsonString() ?? "1", System.Globalization.CultureInfo.InvariantCulture));

    private static string Key(StepContext context, int unit) => $"{context.Step.Id}/{unit}";
}
