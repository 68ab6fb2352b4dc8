using Runbook.Errors;
using Runbook.Plan.Model;
using Runbook.Steps.MailDeltaSync;
using Runbook.Tests.Steps.Dns;

namespace Runbook.Tests.Steps.MailDeltaSync;

/// <summary><c>until: propagation</c>: the deadline from the switch's recorded outputs, and what happens before the switch.</summary>
public sealed class DeltaSchedulePropagationTests
{
    private static DnsStepHarness Harness() => new(new DnsSettings { Zone = "acme.test" }, "");

    [Fact]
    public async Task Given_the_switch_outputs_When_the_schedule_is_computed_Then_the_deadline_is_switch_time_plus_largest_TTL_plus_margin()
    {
        var h = Harness();
        h.State.Outputs["switch-mx"] = new() { ["switched_at"] = "2026-12-04T14:00:00Z", ["max_mx_ttl_before_switch"] = 300 };

        var schedule = await DeltaSchedule.FromAsync(h.Context("delta"), CancellationToken.None);

        Assert.Equal(new DateTimeOffset(2026, 12, 4, 14, 35, 0, TimeSpan.Zero), schedule.Deadline);
        Assert.Contains("propagation: switched 2026-12-04 23:00:00 +09:00 (Asia/Tokyo) + MX TTL 300 s + margin 00:30:00", schedule.Describe, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_no_switch_yet_When_previewed_or_applied_Then_the_preview_has_no_deadline_and_apply_refuses()
    {
        var h = Harness();

        var preview = await DeltaSchedule.FromAsync(h.Context("delta", dryRun: true), CancellationToken.None);
        var e = await Assert.ThrowsAsync<StepFailedException>(() => DeltaSchedule.FromAsync(h.Context("delta"), CancellationToken.None));

        Assert.Null(preview.Deadline);
        Assert.Contains("switch-mx has not run yet", preview.Describe, StringComparison.Ordinal);
        Assert.Contains("switch-mx, which has not switched the MX yet", e.Message, StringComparison.Ordinal);
    }
}
