using Runbook.Tests.Adapters.Mail;
using Runbook.Tests.Lab;

namespace Runbook.Tests.Steps.Mail.Lab;

/// <summary>SIGKILL and lost state: the destination must end with every message exactly once.</summary>
[Collection("lab")]
[Trait("Category", "Lab")]
public sealed class MailMigrationCrashLabTests(LabFixture fixture)
{
    [Fact]
    public async Task Given_apply_killed_at_many_points_and_the_state_file_deleted_When_run_to_the_end_Then_every_message_is_there_exactly_once()
    {
        var lab = new MailLab(fixture.Lab);
        var login = lab.NewLogin("kill");
        await LabCorpus.SeedAsync(lab, login, perFolder: 8);
        using var plan = new LabPlan(lab, [login.User], "  - { id: migrate, uses: mail.migrate, with: { batch_size: 3 } }");

        var points = new List<string>();
        for (var i = 0; i < 14; i++)
        {
            // Kill points 1..6 of each run: before or after an APPEND batch, at a different place in the mailbox each time.
            if (await RunbookProcess.ApplyAndKillAtAsync(plan.Folder, plan.PlanPath, i % 6 + 1) is { } point)
            {
                points.Add(point);
            }
        }

        var (code, output) = await RunbookProcess.RunAsync(plan.Folder, "apply", plan.PlanPath);
        Assert.True(code == 0, output);
        Assert.True(points.Count >= 10, $"only {points.Count} kills: {string.Join("; ", points)}");
        Assert.Contains(points, p => p.Contains("before append", StringComparison.Ordinal));
        Assert.Contains(points, p => p.Contains("after append", StringComparison.Ordinal));
        await MailMigrationLabTests.AssertMigratedAsync(lab, login);

        File.Delete(plan.StatePath);
        var (lost, lostOutput) = await RunbookProcess.RunAsync(plan.Folder, "apply", plan.PlanPath);

        Assert.True(lost == 0, lostOutput);
        Assert.Contains("copied 0 messages", lostOutput, StringComparison.Ordinal);
        await MailMigrationLabTests.AssertMigratedAsync(lab, login);
    }
}
