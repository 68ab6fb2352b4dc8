using System.Security.Cryptography;
using System.Text;
using Runbook.Lab.Corpus;
using Runbook.Tests.Adapters.Mail;
using Runbook.Tests.Lab;
using Runbook.Tests.Steps.Mail.Lab;

namespace Runbook.Tests.Steps.Backup.Lab;

/// <summary>mail.backup and mail.restore end to end: the real `runbook` process against the lab's Dovecots.</summary>
[Collection("lab")]
[Trait("Category", "Lab")]
public sealed class BackupRestoreLabTests(LabFixture fixture)
{
    private const string Steps = """
          - { id: backup, uses: mail.backup }
          - { id: restore, uses: mail.restore, with: { target: mb } }
        """;

    /// <summary>The small corpus's old folders (as the snapshot names them) and where the plan's mapping puts them.</summary>
    private static readonly Dictionary<string, string> Mapping = new()
    {
        ["INBOX"] = "INBOX", ["Sent"] = "Sent", ["送信済み"] = "Sent", ["Drafts"] = "Drafts", ["Trash"] = "Trash", ["Spam"] = "Junk",
        ["取引先"] = "取引先", ["取引先/2024"] = "取引先/2024", ["Archive"] = "Archive", ["Archive/2019"] = "Archive/2019",
    };

    [Fact]
    public async Task Given_the_small_corpus_When_backed_up_to_maildir_and_mbox_Then_both_verify_Dovecot_reads_the_maildir_and_a_restore_is_exact_and_never_twice()
    {
        var lab = new MailLab(fixture.Lab);
        var login = lab.NewLogin("bk");
        await new CorpusSeeder(fixture.Lab).SeedAsync(login.User, new CorpusOptions(CorpusProfile.Small, 11), CancellationToken.None);
        using var plan = BackupLab.Plan(lab, login.User, Steps, BackupLab.Target("md", "maildir") + "\n" + BackupLab.Target("mb", "mbox"));

        var (code, output) = await RunbookProcess.RunAsync(plan.Folder, "apply", plan.PlanPath, "--step", "backup");
        Assert.True(code == 0, output);
        var (verify, verifyOutput) = await RunbookProcess.RunAsync(plan.Folder, "backup", "verify", plan.PlanPath);
        Assert.True(verify == 0, verifyOutput);
        Assert.Contains("backup verified: 2 account backup(s) good", verifyOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(lab.Password, output + verifyOutput, StringComparison.Ordinal);
        foreach (var manifest in Directory.EnumerateFiles(Path.Combine(plan.Folder, "backup"), "manifest.json", SearchOption.AllDirectories))
        {
            Assert.DoesNotContain(lab.Password, await File.ReadAllTextAsync(manifest), StringComparison.Ordinal);
        }
        await AssertDovecotReadsMaildirAsync(plan, login.User);

        // An unchanged mailbox: the incremental run writes nothing.
        Assert.Equal(0, (await RunbookProcess.RunAsync(plan.Folder, "reset", plan.PlanPath, "backup")).ExitCode);
        var (again, againOutput) = await RunbookProcess.RunAsync(plan.Folder, "apply", plan.PlanPath, "--step", "backup");
        Assert.True(again == 0, againOutput);
        Assert.Contains("wrote 0 message files", againOutput, StringComparison.Ordinal);

        // Restore from the mbox copy into the (empty) account on the new server: bytes, flags, keywords, dates.
        var (restore, restoreOutput) = await RunbookProcess.RunAsync(plan.Folder, "apply", plan.PlanPath, "--step", "restore");
        Assert.True(restore == 0, restoreOutput);
        await MailMigrationLabTests.AssertMigratedAsync(lab, login, Mapping);
        var restored = await MailboxSnapshot.ReadAsync("127.0.0.1", lab.Port("new", "imap"), login.User, login.Password, CancellationToken.None);

        Assert.Equal(0, (await RunbookProcess.RunAsync(plan.Folder, "reset", plan.PlanPath, "restore")).ExitCode);
        var (second, secondOutput) = await RunbookProcess.RunAsync(plan.Folder, "apply", plan.PlanPath, "--step", "restore");
        Assert.True(second == 0, secondOutput);
        Assert.Contains("copied 0 messages", secondOutput, StringComparison.Ordinal);
        var after = await MailboxSnapshot.ReadAsync("127.0.0.1", lab.Port("new", "imap"), login.User, login.Password, CancellationToken.None);
        Assert.Equal(restored.ToDictionary(p => p.Key, p => p.Value.Count), after.ToDictionary(p => p.Key, p => p.Value.Count));
    }

    [Fact]
    public async Task Given_a_migrated_account_When_restored_after_a_message_was_deleted_on_the_new_server_Then_only_that_message_comes_back()
    {
        var lab = new MailLab(fixture.Lab);
        var login = lab.NewLogin("bkr");
        await LabCorpus.SeedAsync(lab, login);
        const string steps = """
              - { id: backup, uses: mail.backup }
              - { id: migrate, uses: mail.migrate }
              - { id: restore, uses: mail.restore, approval: true }
            """;
        using var plan = BackupLab.Plan(lab, login.User, steps, BackupLab.Target("md", "maildir"));
        var (code, output) = await RunbookProcess.RunAsync(plan.Folder, "apply", plan.PlanPath, "--step", "backup");
        Assert.True(code == 0, output);
        (code, output) = await RunbookProcess.RunAsync(plan.Folder, "apply", plan.PlanPath, "--step", "migrate");
        Assert.True(code == 0, output);
        await MailMigrationLabTests.AssertMigratedAsync(lab, login);

        // A person deletes one migrated message on the new server; the migration's ledger remembers it as copied.
        using (var client = new MailKit.Net.Imap.ImapClient())
        {
            await client.ConnectAsync("127.0.0.1", lab.Port("new", "imap"), MailKit.Security.SecureSocketOptions.None);
            await client.AuthenticateAsync(login.User, login.Password);
            var folder = await client.GetFolderAsync("取引先");
            await folder.OpenAsync(MailKit.FolderAccess.ReadWrite);
            await folder.StoreAsync(0, new MailKit.StoreFlagsRequest(MailKit.StoreAction.Add, MailKit.MessageFlags.Deleted) { Silent = true });
            await folder.ExpungeAsync();
            await client.DisconnectAsync(true);
        }

        Assert.Equal(0, (await RunbookProcess.RunAsync(plan.Folder, "approve", plan.PlanPath, "restore")).ExitCode);
        (code, output) = await RunbookProcess.RunAsync(plan.Folder, "apply", plan.PlanPath, "--step", "restore");

        // The restore's own ledger keys: the deleted message comes back, every other one is found by content.
        Assert.True(code == 0, output);
        Assert.Contains("copied 1 messages", output, StringComparison.Ordinal);
        await MailMigrationLabTests.AssertMigratedAsync(lab, login);
        Assert.Equal(0, (await RunbookProcess.RunAsync(plan.Folder, "reset", plan.PlanPath, "restore")).ExitCode);
        Assert.Equal(0, (await RunbookProcess.RunAsync(plan.Folder, "approve", plan.PlanPath, "restore")).ExitCode);
        (code, output) = await RunbookProcess.RunAsync(plan.Folder, "apply", plan.PlanPath, "--step", "restore");
        Assert.True(code == 0, output);
        Assert.Contains("copied 0 messages", output, StringComparison.Ordinal);
        // Nor does the migration, run again, copy anything twice.
        Assert.Equal(0, (await RunbookProcess.RunAsync(plan.Folder, "reset", plan.PlanPath, "migrate")).ExitCode);
        (code, output) = await RunbookProcess.RunAsync(plan.Folder, "apply", plan.PlanPath, "--step", "migrate");
        Assert.True(code == 0, output);
        await MailMigrationLabTests.AssertMigratedAsync(lab, login);
    }

    /// <summary>The old lab Dovecot, pointed at a copy of the Maildir backup, lists the same folders and counts, and serves the manifest's bytes.</summary>
    private async Task AssertDovecotReadsMaildirAsync(LabPlan plan, string user)
    {
        var copy = Path.Combine(plan.Folder, "dovecot-view");
        // A copy owned by Dovecot's mail user (the backup is root's, 0600), so the backup itself stays untouched.
        await BackupLab.RunAsync("cp", "-a", BackupLab.AccountRoot(plan, "md", user), copy);
        await BackupLab.RunAsync("chown", "-R", "mail:mail", copy);
        var conf = fixture.Lab.Old.Doveconf;
        string[] location = ["-o", $"mail_location=maildir:{copy}/Maildir:INDEX=MEMORY"];
        var status = new[] { "-f", "tab", "mailbox", "status", "-u", user, "messages", "INBOX", "INBOX.*" };
        var fromBackup = Lines(await BackupLab.RunAsync("doveadm", ["-c", conf, .. location, .. status]));
        var fromServer = Lines(await BackupLab.RunAsync("doveadm", ["-c", conf, .. status]));
        Assert.Equal(fromServer, fromBackup);
        Assert.Equal(11, fromBackup.Count);

        var manifest = await BackupLab.ManifestAsync(plan, "md", user);
        foreach (var folder in manifest.Folders)
        {
            var uids = Lines(await BackupLab.RunAsync("doveadm", ["-c", conf, .. location, "-f", "tab", "fetch", "-u", user, "uid", "mailbox", folder.Name])).Where(l => l != "uid");
            var hashes = new List<string>();
            foreach (var uid in uids)
            {
                var text = await BackupLab.RunAsync("doveadm", ["-c", conf, .. location, "-f", "pager", "fetch", "-u", user, "text", "mailbox", folder.Name, "uid", uid]);
                hashes.Add(Convert.ToHexStringLower(SHA256.HashData(text.AsSpan("text:\n".Length))));
            }

            Assert.Equal(folder.Messages.Select(m => m.Sha256).Order(StringComparer.Ordinal), hashes.Order(StringComparer.Ordinal));
        }
    }

    private static List<string> Lines(byte[] output) =>
        [.. Encoding.UTF8.GetString(output).Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal)];
}
