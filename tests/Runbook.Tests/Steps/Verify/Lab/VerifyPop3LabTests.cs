using Runbook.Tests.Adapters.Mail;
using Runbook.Tests.Lab;

namespace Runbook.Tests.Steps.Verify.Lab;

/// <summary>An account migrated from POP3: verify reads the old INBOX over POP3 and compares it by content only.</summary>
[Collection("lab")]
[Trait("Category", "Lab")]
public sealed class VerifyPop3LabTests(LabFixture fixture)
{
    [Fact]
    public async Task Given_a_pop3_migration_and_a_flag_set_on_the_new_server_When_verified_Then_the_inbox_matches_by_content_and_flags_are_not_compared()
    {
        var lab = new MailLab(fixture.Lab);
        var login = lab.NewLogin("vpop");
        var tag = Guid.NewGuid().ToString("N")[..8];
        await MailLabMessages.SeedAsync(lab.Old("imap"), login, "INBOX",
            [.. Enumerable.Range(0, 4).Select(i => MailLabMessages.Item(MailLabMessages.Crlf($"pop {i}", $"pop{i}-{tag}@old.test"), ["Seen"])), MailLabMessages.Item(MailLabMessages.BareLf)]);
        using var plan = new VerifyLabPlan(lab, oldPop3: true);
        plan.Write(login.User, """
              - { id: migrate, uses: mail.migrate, with: { source: pop3 } }
              - { id: verify, uses: verify, with: { mx: false, send_receive: false } }
            """);
        Assert.Equal(0, (await VerifyLabTests.RunAsync(plan, "apply", "PLAN", "--step", "migrate")).Code);
        await using (var tamper = await NewServerTamper.LoginAsync(lab.Port("new", "imap"), login.User, login.Password))
        {
            await tamper.FlagAsync("INBOX", $"pop1-{tag}@old.test");
        }

        var (code, output) = await VerifyLabTests.RunAsync(plan, "apply", "PLAN");
        var every = (await VerifyLabTests.OutputsAsync(plan, "verify"))!["rules"]!["every_message"]!["accounts"]![0]!;

        Assert.True(code == 0, output);
        Assert.Equal("INBOX by content (POP3 source)", every["compared"]!.GetValue<string>());
        Assert.Equal(5, every["matched"]!.GetValue<int>());
        Assert.Equal(0, every["attributes_differ"]!["count"]!.GetValue<int>());
    }
}
