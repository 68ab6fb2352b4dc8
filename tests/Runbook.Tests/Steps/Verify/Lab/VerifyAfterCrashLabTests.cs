using Runbook.Tests.Adapters.Mail;
using Runbook.Tests.Lab;
using Runbook.Tests.Steps.Mail.Lab;

namespace Runbook.Tests.Steps.Verify.Lab;

/// <summary>A migration SIGKILLed mid-copy and finished by a re-run leaves nothing for verify to find.</summary>
[Collection("lab")]
[Trait("Category", "Lab")]
public sealed class VerifyAfterCrashLabTests(LabFixture fixture)
{
    [Fact]
    public async Task Given_a_migration_killed_around_append_batches_When_finished_by_a_rerun_Then_verify_passes_clean()
    {
        var lab = new MailLab(fixture.Lab);
        var login = lab.NewLogin("vkill");
        await LabCorpus.SeedAsync(lab, login, perFolder: 4);
        using var plan = new VerifyLabPlan(lab);
        plan.Write(login.User, """
              - { id: migrate, uses: mail.migrate, with: { batch_size: 3 } }
              - { id: verify, uses: verify, with: { mx: false, send_receive: false } }
            """);

        var kills = 0;
        foreach (var point in new[] { 2, 3, 5 })
        {
            kills += await RunbookProcess.ApplyAndKillAtAsync(plan.Folder, plan.PlanPath, point) is null ? 0 : 1;
        }

        var (code, output) = await VerifyLabTests.RunAsync(plan, "apply", "PLAN");
        var every = (await VerifyLabTests.OutputsAsync(plan, "verify"))!["rules"]!["every_message"]!["accounts"]![0]!;

        Assert.Equal(3, kills);
        Assert.True(code == 0, output);
        Assert.Contains("every_message: passed: ", output, StringComparison.Ordinal);
        Assert.Equal(every["source_messages"]!.GetValue<int>(), every["matched"]!.GetValue<int>());
        foreach (var kind in new[] { "missing", "altered", "duplicated", "attributes_differ", "deleted_after_copy", "extra" })
        {
            Assert.Equal(0, every[kind]!["count"]!.GetValue<int>());
        }
    }
}
