using Runbook.Engine;
using Runbook.Plan.Model;
using Runbook.Steps.Decommission;
using Runbook.Tests.Steps.Mail;

namespace Runbook.Tests.Steps.Verify;

/// <summary>The decommission gate over recorded step history: the final backup condition (the lab tests cover the rest).</summary>
public sealed class DecommissionGateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 13, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Given_backup_targets_and_a_backup_older_than_the_last_pass_When_decommission_runs_Then_it_refuses_naming_the_times()
    {
        var (step, context) = Context(backupFinished: T0.AddMinutes(1), deltaStarted: T0.AddMinutes(5), verifyStarted: T0.AddMinutes(10));

        var outcome = Assert.IsType<StepOutcome.Failed>(await step.ApplyAsync(context, CancellationToken.None));

        Assert.False(outcome.Retryable);
        Assert.Contains("no final backup: the plan has backup targets (disk1), and the last backup finished at 2026-12-05 13:01:00Z, before the last pass at 2026-12-05 13:05:00Z", outcome.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("has not passed", outcome.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not approved", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_final_backup_after_the_last_pass_and_a_later_verify_When_decommission_runs_Then_it_records_the_decision_and_what_to_keep()
    {
        var (step, context) = Context(backupFinished: T0.AddMinutes(6), deltaStarted: T0.AddMinutes(5), verifyStarted: T0.AddMinutes(10));

        var done = Assert.IsType<StepOutcome.Done>(await step.ApplyAsync(context, CancellationToken.None));

        Assert.Equal("2026-12-05 13:06:00Z", done.Outputs["backup_at"]!.GetValue<string>());
        Assert.Contains(done.Outputs["handover"]!.AsArray(), l => l!.GetValue<string>() == "keep: backup disk1 (backup/acme, maildir) until at least 2027-03-05");
        Assert.StartsWith("decommission decided", Assert.Single(((RecordsState)context.State).Inner.Journal), StringComparison.Ordinal);
    }

    private static (DecommissionStep, StepContext) Context(DateTimeOffset backupFinished, DateTimeOffset deltaStarted, DateTimeOffset verifyStarted)
    {
        var builder = new StepContextBuilder();
        builder.Time.SetUtcNow(T0.AddHours(1));
        var context = builder.Build("decommission", [], ["a@acme.test"]);
        StepDefinition Step(string id, string uses) => new() { Id = id, Uses = uses, With = [] };
        var steps = new[] { Step("backup", "mail.backup"), Step("delta", "mail.delta_sync"), Step("verify", "verify"), Step("decommission", "decommission") };
        var records = new Dictionary<string, StepRecord>
        {
            ["backup"] = Record("backup", "mail.backup", backupFinished.AddMinutes(-1), backupFinished),
            ["delta"] = Record("delta", "mail.delta_sync", deltaStarted, null, StepStatus.Waiting),
            ["verify"] = Record("verify", "verify", verifyStarted, verifyStarted.AddSeconds(3)),
        };
        return (new DecommissionStep(), context with
        {
            Plan = context.Plan with { Steps = steps, BackupTargets = [new BackupTarget { Id = "disk1", Path = "backup/acme" }] },
            Step = steps[^1],
            State = new RecordsState(builder.State, records),
            Approval = new StepApproval("Yuki Tanaka", T0.AddMinutes(20)),
        });
    }

    private static StepRecord Record(string id, string uses, DateTimeOffset started, DateTimeOffset? finished, StepStatus status = StepStatus.Done) =>
        RecordsState.Record(id, uses, started, finished, status);
}
