using System.Globalization;
using Runbook.Engine;
using Runbook.Errors;
using Runbook.Plan;
using Runbook.Plan.Steps;

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

        if (with["until"]?.GetValue<string>() is "propagation")
        {
            throw Invalid(context, "until: propagation reads the MX switch's outputs: this build computes it in DeltaSchedule.FromAsync");
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

    /// <summary>
    /// Like <see cref="From"/>, and also <c>until: propagation</c>: the switch time recorded by the plan's
    /// <c>dns.switch_mx</c> step, plus the largest MX TTL seen before the switch, plus <c>margin</c> (default 1h): the
    /// latest moment a resolver may still send mail to the old server. Before the switch is done the deadline is unknown
    /// (null in a dry run; apply refuses, since the sync would have no end).
    /// </summary>
    public static async Task<DeltaSchedule> FromAsync(StepContext context, CancellationToken cancellationToken)
    {
        if (context.Step.With["until"]?.GetValue<string>() is not "propagation")
        {
            return From(context);
        }

        var with = context.Step.With;
        var interval = DefaultInterval;
        if (with["interval"]?.GetValue<string>() is { } text && !Duration.TryParse(text, out interval))
        {
            throw Invalid(context, $"interval '{text}' is not a duration such as 15m");
        }

        var margin = DefaultMargin;
        if (with["margin"]?.GetValue<string>() is { } m && !Duration.TryParse(m, out margin))
        {
            throw Invalid(context, $"margin '{m}' is not a duration such as 1h");
        }

        var index = context.Plan.Steps.ToList().FindIndex(s => s.Id == context.Step.Id);
        var switchStep = context.Plan.Steps.Take(index < 0 ? context.Plan.Steps.Count : index).LastOrDefault(s => s.Uses == StepKinds.SwitchMx)
            ?? throw Invalid(context, "until: propagation needs a dns.switch_mx step before it");
        var outputs = await context.State.GetOutputsAsync(switchStep.Id, cancellationToken);
        if (outputs?["switched_at"]?.GetValue<string>() is not { } at
            || !DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var switched))
        {
            return context.DryRun
                ? new DeltaSchedule(interval, null, $"until propagation ({switchStep.Id}'s switch time + the largest MX TTL before it + {margin}; {switchStep.Id} has not run yet)")
                : throw new StepFailedException($"step {context.Step.Id}: until: propagation counts from {switchStep.Id}, which has not switched the MX yet", retryable: false);
        }

        var ttl = TimeSpan.FromSeconds(outputs["max_mx_ttl_before_switch"]?.GetValue<int>() ?? 0);
        var deadline = switched + ttl + margin;
        return new DeltaSchedule(interval, deadline,
            $"until {Local(context, deadline)} (propagation: switched {Local(context, switched)} + MX TTL {ttl.TotalSeconds:0} s + margin {margin})");
    }

    public static readonly TimeSpan DefaultMargin = TimeSpan.FromHours(1);

    /// <summary>A deadline as the consultant reads it: to the second, in the plan's timezone, with its offset.</summary>
    private static string Local(StepContext context, DateTimeOffset at)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(context.Plan.Timezone);
        return TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture) + $" ({context.Plan.Timezone})";
    }

    private static UsageException Invalid(StepContext context, string message) =>
        new($"step {context.Step.Id}: {message}", ExitCode.InvalidPlan);
}
