using System.Globalization;
using Runbook.Engine;
using Runbook.Errors;
using Runbook.Plan;

namespace Runbook.Steps.MailDeltaSync;

/// <summary>When delta passes run: every <c>interval</c> (default 15m) until <c>until</c>, or for <c>for</c> after the step first started.</summary>
internal sealed record DeltaSchedule(TimeSpan Interval, DateTimeOffset? Deadline, string Describe)
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMinutes(15);

    public static DeltaSchedule From(StepContext context)
    {
        var with = context.Step.With;
        var interval = DefaultInterval;
        if (with["interval"]?.GetValue<string>() is { } text && !Duration.TryParse(text, out interval))
        {
            throw Invalid(context, $"interval '{text}' is not a duration such as 15m");
        }

        if (with["until"]?.GetValue<string>() is { } until)
        {
            if (!DateTimeOffset.TryParse(until, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
            {
                throw Invalid(context, $"until '{until}' is not an ISO 8601 date and time with offset");
            }

            return new DeltaSchedule(interval, at, $"until {Local(context, at)}");
        }

        if (with["for"]?.GetValue<string>() is { } span)
        {
            if (!Duration.TryParse(span, out var length))
            {
                throw Invalid(context, $"for '{span}' is not a duration such as 48h");
            }

            // Counted from the first start, so re-runs and crashes do not stretch the sync window.
            var start = context.FirstStartedAt ?? (context.DryRun ? null : context.Time.GetUtcNow());
            return new DeltaSchedule(interval, start + length, start is { } s ? $"until {Local(context, s + length)} ({span} from the first pass)" : $"for {span} from the first pass");
        }

        throw Invalid(context, "mail.delta_sync needs until: or for:");
    }

    /// <summary>A deadline as the consultant reads it: to the second, in the plan's timezone, with its offset.</summary>
    private static string Local(StepContext context, DateTimeOffset at)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(context.Plan.Timezone);
        return TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture) + $" ({context.Plan.Timezone})";
    }

    private static UsageException Invalid(StepContext context, string message) =>
        new($"step {context.Step.Id}: {message}", ExitCode.InvalidPlan);
}
