using Runbook.Tests.Adapters.Mail;
using Runbook.Tests.Lab;
using Runbook.Tests.Steps.Backup.Lab;
using Runbook.Tests.Steps.Mail.Lab;

namespace Runbook.Tests.Steps.Verify.Lab;

/// <summary>verify's <c>backups</c> rule on the lab: a verified backup after the copy passes; a copy pass after the backup fails it.</summary>
[Collection("lab")]
[Trait("Category", "Lab")]
public sealed class VerifyBackupsLabTests(LabFixture fixture)
{
    private const string Steps = """
          - { id: migrate, uses: mail.migrate }
          - { id: backup, uses: mail.backup }
          - { id: verify, uses: verify, with: { send_receive: false, mx: false } }
        """;

    [Fact]
    public async Task Given_a_verified_backup_after_the_copy_When_verified_Then_backups_passes_and_a_later_copy_pass_makes_it_fail()
    {
        var lab = new MailLab(fixture.Lab);
        var login = lab.NewLogin("vbak");
        await LabCorpus.SeedAsync(lab, login, perFolder: 1);
        using var plan = BackupLab.Plan(lab, login.User, Steps, BackupLab.Target("disk1", "maildir"));

        var (first, firstOutput) = await RunbookProcess.RunAsync(plan.Folder, "apply", plan.PlanPath);
        Assert.Equal(0, (await RunbookProcess.RunAsync(plan.Folder, "reset", plan.PlanPath, "migrate")).ExitCode);
        Assert.Equal(0, (await RunbookProcess.RunAsync(plan.Folder, "apply", plan.PlanPath, "--step", "migrate")).ExitCode);
        Assert.Equal(0, (await RunbookProcess.RunAsync(plan.Folder, "reset", plan.PlanPath, "verify")).ExitCode);
        var (second, secondOutput) = await RunbookProcess.RunAsync(plan.Folder, "apply", plan.PlanPath, "--step", "verify");

        Assert.True(first == 0, firstOutput);
        Assert.Contains("1 backup step(s) done and verified; the latest, backup, finished after the last copy pass", firstOutput, StringComparison.Ordinal);
        Assert.True(second == 1, secondOutput);
        Assert.Contains("backup step backup finished at", secondOutput, StringComparison.Ordinal);
        Assert.Contains("before the last copy pass at", secondOutput, StringComparison.Ordinal);
    }
}
