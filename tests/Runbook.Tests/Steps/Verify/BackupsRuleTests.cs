using Runbook.Engine;
using Runbook.Plan.Model;
using Runbook.Steps.Verify;
using Runbook.Steps.Verify.Rules;
using Runbook.Tests.Steps.Mail;

namespace Runbook.Tests.Steps.Verify;

/// <summary>verify's backups rule over recorded step history: the safe sequence's first backup comes before any copy.</summary>
public sealed class BackupsRuleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 13, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Given_a_backup_before_the_move_and_a_final_backup_after_the_last_pass_When_verified_Then_backups_passes()
    {
        var result = await CheckAsync(firstBackup: T0.AddMinutes(1), migrate: T0.AddMinutes(2), finalBackup: T0.AddMinutes(6));

        Assert.True(result.Passed, string.Join("; ", result.Failures));
        Assert.Equal("2 backup step(s) done and verified; the latest, final-backup, finished after the last copy pass", result.Summary);
        var steps = result.Evidence["steps"]!.AsArray();
        Assert.Equal([false, true], steps.Select(s => s!["after_last_pass"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task Given_only_backups_older_than_the_last_pass_When_verified_Then_backups_fails_naming_the_latest()
    {
        var result = await CheckAsync(firstBackup: T0.AddMinutes(1), migrate: T0.AddMinutes(7), finalBackup: T0.AddMinutes(6));

        Assert.False(result.Passed);
        Assert.Equal(["backup step final-backup finished at 2026-12-05 13:06:00Z, before the last copy pass at 2026-12-05 13:07:00Z: reset it and apply again"], result.Failures);
    }

    private static async Task<RuleResult> CheckAsync(DateTimeOffset firstBackup, DateTimeOffset migrate, DateTimeOffset finalBackup)
    {
        var builder = new StepContextBuilder();
        var context = builder.Build("verify", [], ["a@acme.test"]);
        StepDefinition Step(string id, string uses) => new() { Id = id, Uses = uses, With = [] };
        var steps = new[] { Step("backup", "mail.backup"), Step("migrate", "mail.migrate"), Step("final-backup", "mail.backup"), Step("verify", "verify") };
        var records = new Dictionary<string, StepRecord>
        {
            ["backup"] = RecordsState.Record("backup", "mail.backup", firstBackup.AddSeconds(-30), firstBackup),
            ["migrate"] = RecordsState.Record("migrate", "mail.migrate", migrate, migrate.AddSeconds(30)),
            ["final-backup"] = RecordsState.Record("final-backup", "mail.backup", finalBackup.AddSeconds(-30), finalBackup),
        };
        var plan = context.Plan with { Steps = steps, BackupTargets = [new BackupTarget { Id = "disk1", Path = "backup/acme" }] };
        context = context with { Plan = plan, Step = steps[^1], State = new RecordsState(builder.State, records) };
        var settings = VerifySettings.From(plan, steps[^1]);
        // The rule reads only the state's records: no server is opened.
        var run = new VerifyRun(context, settings, new VerifyServers(null!, plan, context.Secrets), [], new Dictionary<string, AccountRead>());
        return await new BackupsRule().CheckAsync(run, CancellationToken.None);
    }
}
