using System.Text.Json.Nodes;
using Runbook.Engine;

namespace Runbook.Tests.Support;

/// <summary>
/// <c>test.effect</c>: writes <c>with.units</c> effects to a <see cref="FakeDestination"/>, checking the destination
/// before each write like a real migration, with a checkpoint per unit as the shortcut.
/// </summary>
internal sealed class CountingStepKind(FakeDestination destination, string name = "test.effect") : IStepKind
{
    private readonly Dictionary<string, int> _applies = new(StringComparer.Ordinal);

    public string Name => name;

    public IReadOnlyList<string> PlanSections => ["accounts"];

    /// <summary>Runs before each unit; may cancel a token or throw, to simulate interruptions.</summary>
    public Action<StepContext, int>? BeforeUnit { get; set; }

    /// <summary>Decides the outcome before any unit runs (waiting, failing); null lets the step do its work.</summary>
    public Func<StepContext, StepOutcome?>? Script { get; set; }

    public int AppliesOf(string stepId) => _applies.GetValueOrDefault(stepId);

    public Task<StepPreview> PreviewAsync(StepContext context, CancellationToken cancellationToken)
    {
        var missing = Units(context).Count(u => !destination.Contains(Key(context, u)));
        return Task.FromResult(missing == 0
            ? StepPreview.NothingToDo("every unit is there")
            : StepPreview.Changes($"write {missing} of {Units(context).Count()} units"));
    }

    public async Task<StepOutcome> ApplyAsync(StepContext context, CancellationToken cancellationToken)
    {
        _applies[context.Step.Id] = AppliesOf(context.Step.Id) + 1;
        if (Script?.Invoke(context) is { } scripted)
        {
            return scripted;
        }

        var written = 0;
        foreach (var unit in Units(context))
        {
            BeforeUnit?.Invoke(context, unit);
            cancellationToken.ThrowIfCancellationRequested();
            if (await context.State.GetCheckpointAsync($"unit/{unit}", cancellationToken) == "done")
            {
                continue;
            }

            if (!destination.Contains(Key(context, unit)))
            {
                destination.Write(Key(context, unit));
                await context.State.RecordAsync($"wrote {Key(context, unit)}", null, cancellationToken);
                written++;
            }

            await context.State.SetCheckpointAsync($"unit/{unit}", "done", cancellationToken);
        }

        return StepOutcome.Succeeded(new JsonObject { ["written"] = written });
    }

    private static IEnumerable<int> Units(StepContext context) => Enumerable.Range(1, int.Parse(context.Step.With["units"]!.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture));

    private static string Key(StepContext context, int unit) => $"{context.Step.Id}/{unit}";
}
