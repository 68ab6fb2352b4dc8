using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;
using Runbook.Tests.Adapters.Mail;
using Runbook.Tests.Lab;
using Runbook.Tests.Steps.Mail.Lab;

namespace Runbook.Tests.Steps.Backup.Lab;

/// <summary>Folder names a real Dovecot accepts but a file system does not like, backed up from the new server.</summary>
[Collection("lab")]
[Trait("Category", "Lab")]
public sealed class BackupHostileNamesLabTests(LabFixture fixture)
{
    /// <summary>Dovecot itself refuses "..", control characters and names over 255 bytes (the unit tests cover those).</summary>
    private static readonly string[] Names = ["INBOX...", "a\\b", "sp ace", "Café", "&amp;", "x.y", new string('L', 200), "日本語"];

    [Fact]
    public async Task Given_odd_folder_names_on_the_new_server_When_backed_up_with_server_new_Then_files_stay_inside_and_the_manifest_keeps_the_names()
    {
        var lab = new MailLab(fixture.Lab);
        var login = lab.NewLogin("bkh");
        using (var client = new ImapClient())
        {
            await client.ConnectAsync("127.0.0.1", lab.Port("new", "imap"), SecureSocketOptions.None);
            await client.AuthenticateAsync(login.User, login.Password);
            var root = client.GetFolder(client.PersonalNamespaces[0]);
            foreach (var name in Names)
            {
                var folder = await root.CreateAsync(name, isMessageFolder: true) ?? throw new InvalidOperationException(name);
                var message = new MimeMessage { Subject = name, Body = new TextPart("plain") { Text = name } };
                message.From.Add(new MailboxAddress("a", "a@acme.test"));
                await folder.AppendAsync(message, MessageFlags.Seen);
            }

            await client.DisconnectAsync(true);
        }

        using var plan = BackupLab.Plan(lab, login.User, "  - { id: backup, uses: mail.backup, with: { server: new } }",
            BackupLab.Target("md", "maildir") + "\n" + BackupLab.Target("em", "eml") + "\n" + BackupLab.Target("mb", "mbox"));
        var (code, output) = await RunbookProcess.RunAsync(plan.Folder, "apply", plan.PlanPath);
        Assert.True(code == 0, output);

        foreach (var target in new[] { "md", "em", "mb" })
        {
            var manifest = await BackupLab.ManifestAsync(plan, target, login.User);
            var root = Path.GetFullPath(BackupLab.AccountRoot(plan, target, login.User)) + "/";
            Assert.Superset(Names.ToHashSet(), manifest.Folders.Select(f => f.Name).ToHashSet());
            Assert.All(Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories), f => Assert.StartsWith(root, Path.GetFullPath(f), StringComparison.Ordinal));
            Assert.Equal(manifest.Folders.Count, manifest.Folders.Select(f => f.Path).Distinct().Count());
        }

        var (verify, verifyOutput) = await RunbookProcess.RunAsync(plan.Folder, "backup", "verify", plan.PlanPath);
        Assert.True(verify == 0, verifyOutput);
    }
}
