using System.Globalization;
using System.Text.Json.Nodes;
using System.Xml;
using Runbook.Engine;

namespace Runbook.Steps.Pause;

/// <summary>
/// <c>pause</c>: waits a duration counted from when the step first started (<c>with: { for: PT48H }</c>, e.g. one old
/// TTL after lowering it), or until an instant (<c>with: { until: 2026-12-05T22:00:00+09:00 }</c>). Touches nothing.
/// </summary>
internal sealed class PauseStep : IStepKind
{
    public string Name => "pause";

    public Task<StepPreview> PreviewAsync(StepContext context, CancellationToken cancellationToken)
    {
        var (until, describe) = Target(context);
        return Task.FromResult(until is { } u && u <= context.Time.GetUtcNow()
            ? StepPreview.NothingToDo($"{describe}: already over")
            : StepPreview.Changes($"wait {describe}"));
    }

    public Task<StepOutcome> ApplyAsync(StepContext context, CancellationToken cancellationToken)
    {
        var (until, describe) = Target(context);
        var now = context.Time.GetUtcNow();
        StepOutcome outcome = until is { } u && u > now
            ? StepOutcome.WaitUntil(u, $"pausing {describe}")
            : StepOutcome.Succeeded(new JsonObject { ["until"] = (until ?? now).ToString("O", CultureInfo.InvariantCulture) });
        return Task.FromResult(outcome);
    }

    /// <summary>The instant the pause ends (null in a dry run of a step that has not started: it ends one duration after it starts).</summary>
    private static (DateTimeOffset? Until, string Describe) Target(StepContext context)
    {
        var with = context.Step.With;
        if (with["until"]?.GetValue<string>() is { } text)
        {
            var until = DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);
            return (until, $"until {until:O}");
        }

        var duration = with["for"]?.GetValue<string>() is { } f ? ParseDuration(f)
            : throw new Errors.UsageException($"step {context.Step.Id}: pause needs `for` (e.g. PT48H) or `until`", Errors.ExitCode.InvalidPlan);
        var start = context.FirstStartedAt ?? (context.DryRun ? null : context.Time.GetUtcNow());
        return (start + duration, $"{duration} from the step's first start" + (start is { } s ? $" (until {s + duration:O})" : ""));
    }

    private static TimeSpan ParseDuration(string text) =>
        text.StartsWith('P') ? XmlConvert.ToTimeSpan(text) : TimeSpan.Parse(text, CultureInfo.InvariantCulture);
}
