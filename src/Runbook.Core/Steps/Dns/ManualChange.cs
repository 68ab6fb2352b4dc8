using System.Text.Json.Nodes;
using Runbook.Engine;

namespace Runbook.Steps.Dns;

/// <summary>
/// The <c>manual</c> provider: the step shows the exact change for the registrar's control panel and waits for
/// <c>runbook approve</c>. Only an approval given after the instruction counts, so an <c>approval: true</c> gate
/// passed earlier does not stand in for "I made the change".
/// </summary>
internal static class ManualChange
{
    private const string AskedAt = "manual.asked_at";

    /// <summary>Null when a person confirmed the change; otherwise the wait that shows the instruction.</summary>
    public static async Task<StepOutcome.Waiting?> AwaitAsync(StepContext context, string zone, IReadOnlyList<string> changes, CancellationToken cancellationToken)
    {
        var asked = DnsTimes.Parse(await context.State.GetCheckpointAsync(AskedAt, cancellationToken));
        if (asked is { } at && context.Approval is { } approval && approval.At >= at)
        {
            return null;
        }

        var instruction = Instruction(context, zone, changes);
        if (asked is null)
        {
            var now = context.Time.GetUtcNow();
            await context.State.SetCheckpointAsync(AskedAt, DnsTimes.Iso(now), cancellationToken);
            await context.State.RecordAsync($"manual DNS change requested: {instruction}",
                new JsonObject { ["zone"] = zone, ["changes"] = new JsonArray([.. changes.Select(c => (JsonNode)c)]) }, cancellationToken);
            context.Log.Info(instruction);
        }

        return StepOutcome.WaitUntil(null, instruction);
    }

    /// <summary>Forgets the request, so a failed check asks again (and needs a new approval).</summary>
    public static Task ResetAsync(StepContext context, CancellationToken cancellationToken) =>
        context.State.SetCheckpointAsync(AskedAt, "", cancellationToken);

    public static string Instruction(StepContext context, string zone, IReadOnlyList<string> changes) =>
        $"change by hand in zone {zone} (the registrar's or host's control panel): {string.Join("; ", changes)}; "
        + $"then run `runbook approve {context.Plan.SourcePath} {context.Step.Id}`";
}
