using Runbook.Tests.Adapters.Mail;
using Runbook.Tests.Lab;
using Runbook.Tests.Steps.Mail.Lab;
using Runbook.Tests.Support;

namespace Runbook.Tests.Steps.MailPreflight;

/// <summary>`mail.preflight` through `runbook apply` with the new server's connection cut by the FaultProxy.</summary>
[Collection("lab")]
[Trait("Category", "Lab")]
public sealed class PreflightFaultLabTests(LabFixture fixture)
{
    [Theory]
    // The probe's folder listing, and its login (AUTHENTICATE PLAIN on the raw connection preflight asks the new server on).
    [InlineData("LIST \"\" \"*\"", "connection lost while waiting for the server's reply")]
    [InlineData("AUTHENTICATE PLAIN", "connection lost while waiting for the server's reply")]
    public async Task Given_the_new_servers_connection_cut_by_a_command_When_preflight_applies_Then_it_reconnects_and_passes_in_the_same_run(string command, string reported)
    {
        var lab = new MailLab(fixture.Lab);
        var login = lab.NewLogin("pre");
        await LabCorpus.SeedAsync(lab, login, perFolder: 1);
        await using var proxy = new FaultProxy(lab.Port("new", "imap"));
        using var plan = new LabPlan(lab, [login.User], "  - { id: preflight, uses: mail.preflight }", newImapPort: proxy.Port);

        proxy.CutWhenClientSends(command, times: 1);
        var (code, output) = await RunbookProcess.RunAsync(plan.Folder, "apply", plan.PlanPath);

        Assert.True(code == 0, output);
        Assert.Equal(1, proxy.Cuts);
        Assert.True(output.Contains(reported, StringComparison.Ordinal), output);
        Assert.True(output.Contains("attempt 1 of 4 failed", StringComparison.Ordinal) && output.Contains("reconnected and checked again", StringComparison.Ordinal), output);
        Assert.True(output.Contains("[preflight] done", StringComparison.Ordinal), output);
    }
}
