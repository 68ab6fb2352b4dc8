using Runbook.Tests.Adapters.Mail;
using Runbook.Tests.Lab;
using Runbook.Tests.Steps.Mail.Lab;

namespace Runbook.Tests.Steps.Backup.Lab;

/// <summary>A POP3-only old server: the INBOX backed up by UIDL, verified, and restored.</summary>
[Collection("lab")]
[Trait("Category", "Lab")]
public sealed class BackupPop3LabTests(LabFixture fixture)
{
    [Fact]
    public async Task Given_a_pop3_source_When_backed_up_to_eml_and_restored_Then_the_inbox_arrives_byte_for_byte_once()
    {
        var lab = new MailLab(fixture.Lab);
        var login = lab.NewLogin("bkp");
        await LabCorpus.SeedAsync(lab, login);
        const string steps = """
              - { id: backup, uses: mail.backup, with: { source: pop3 } }
              - { id: restore, uses: mail.restore }
            """;
        using var plan = BackupLab.Plan(lab, login.User, steps, BackupLab.Target("em", "eml"));

        var (code, output) = await RunbookProcess.RunAsync(plan.Folder, "apply", plan.PlanPath);

        Assert.True(code == 0, output);
        var manifest = await BackupLab.ManifestAsync(plan, "em", login.User);
        var inbox = Assert.Single(manifest.Folders);
        Assert.Equal("pop3", manifest.Protocol);
        Assert.All(inbox.Messages, m => Assert.Equal(0u, m.Uid));
        var old = await MailboxSnapshot.ReadAsync("127.0.0.1", lab.Port("old", "imap"), login.User, login.Password, CancellationToken.None);
        var @new = await MailboxSnapshot.ReadAsync("127.0.0.1", lab.Port("new", "imap"), login.User, login.Password, CancellationToken.None);
        Assert.Equal(old["INBOX"].Select(m => m.Sha256).Order(StringComparer.Ordinal), @new["INBOX"].Select(m => m.Sha256).Order(StringComparer.Ordinal));
        Assert.Equal(inbox.Messages.Select(m => m.Sha256).Order(StringComparer.Ordinal), @new["INBOX"].Select(m => m.Sha256).Order(StringComparer.Ordinal));
        var (verify, verifyOutput) = await RunbookProcess.RunAsync(plan.Folder, "backup", "verify", plan.PlanPath);
        Assert.True(verify == 0, verifyOutput);
    }
}
