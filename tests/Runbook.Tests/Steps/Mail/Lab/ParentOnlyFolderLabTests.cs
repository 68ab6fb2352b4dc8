using Runbook.Adapters.Mail.Raw;
using Runbook.Tests.Adapters.Mail;
using Runbook.Tests.Lab;
using static Runbook.Tests.Adapters.Mail.MailLabMessages;

namespace Runbook.Tests.Steps.Mail.Lab;

/// <summary>
/// A folder the new server has only as the parent of another (someone made "Projekte/2024" there without "Projekte":
/// Dovecot lists it \Noselect) cannot hold messages until it is created: a copy into it must create it, not open it.
/// </summary>
[Collection("lab")]
[Trait("Category", "Lab")]
public sealed class ParentOnlyFolderLabTests(LabFixture fixture)
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Given_the_new_server_has_a_folder_only_as_a_parent_When_migrated_Then_it_is_created_and_gets_its_messages()
    {
        var lab = new MailLab(fixture.Lab);
        var login = lab.NewLogin("parent");
        await SeedAsync(lab.Old("imap"), login, "Projekte", [Item(Crlf("one", "one@old.test")), Item(Crlf("two", "two@old.test"))]);
        await SeedAsync(lab.Old("imap"), login, "Projekte/2024", [Item(Crlf("three", "three@old.test"))]);
        await using (var raw = await RawImapConnection.OpenAsync(lab.New("imap"), login, None))
        {
            Assert.Equal(ImapStatus.Ok, (await raw.RunAsync("CREATE \"Projekte/2024\"", None)).Reply.Status);
            var (listed, _) = await raw.RunAsync("LIST \"\" \"Projekte\"", None);
            // The case under test: the parent is listed, but cannot be selected.
            Assert.Contains(listed, l => l.Contains("\\Noselect", StringComparison.OrdinalIgnoreCase) || l.Contains("\\NonExistent", StringComparison.OrdinalIgnoreCase));
        }

        using var plan = new LabPlan(lab, [login.User], "  - { id: migrate, uses: mail.migrate }");
        var (code, output) = await RunbookProcess.RunAsync(plan.Folder, "apply", plan.PlanPath);
        var snapshot = await MailboxSnapshot.ReadAsync("127.0.0.1", lab.Port("new", "imap"), login.User, login.Password, None);

        Assert.True(code == 0, output);
        Assert.Equal(2, snapshot["Projekte"].Count);
        Assert.Single(snapshot["Projekte/2024"]);
    }
}
