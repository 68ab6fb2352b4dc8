using Runbook.Adapters.Backup;
using Runbook.Tests.Adapters.Mail;
using Runbook.Tests.Lab;
using Runbook.Tests.Steps.Mail.Lab;

namespace Runbook.Tests.Steps.Backup.Lab;

/// <summary>A damaged backup is named file by file; a killed backup leaves a complete, consistent one after the re-run.</summary>
[Collection("lab")]
[Trait("Category", "Lab")]
public sealed class BackupFaultLabTests(LabFixture fixture)
{
    [Fact]
    public async Task Given_a_backup_When_one_file_is_corrupted_another_deleted_and_one_added_Then_verify_names_each_and_exits_1()
    {
        var lab = new MailLab(fixture.Lab);
        var login = lab.NewLogin("bkv");
        await LabCorpus.SeedAsync(lab, login);
        using var plan = BackupLab.Plan(lab, login.User, "  - { id: backup, uses: mail.backup }", BackupLab.Target("md", "maildir") + "\n" + BackupLab.Target("em", "eml"));
        var (code, output) = await RunbookProcess.RunAsync(plan.Folder, "apply", plan.PlanPath);
        Assert.True(code == 0, output);

        var maildir = await BackupLab.ManifestAsync(plan, "md", login.User);
        var eml = await BackupLab.ManifestAsync(plan, "em", login.User);
        var corrupt = maildir.Folders.First(f => f.Messages.Count > 0).Messages[0].File;
        var deleted = eml.Folders.Last(f => f.Messages.Count > 0).Messages[^1].File;
        var corruptPath = Path.Combine(BackupLab.AccountRoot(plan, "md", login.User), corrupt);
        var bytes = await File.ReadAllBytesAsync(corruptPath);
        bytes[bytes.Length / 2] ^= 0x20;
        await File.WriteAllBytesAsync(corruptPath, bytes);
        File.Delete(Path.Combine(BackupLab.AccountRoot(plan, "em", login.User), deleted));
        var extra = Path.Combine(Path.GetDirectoryName(corrupt)!, "1700000000.stray,S=3:2,S");
        await File.WriteAllTextAsync(Path.Combine(BackupLab.AccountRoot(plan, "md", login.User), extra), "x\r\n");

        var (verify, verifyOutput) = await RunbookProcess.RunAsync(plan.Folder, "backup", "verify", plan.PlanPath);

        Assert.True(verify == 1, verifyOutput);
        Assert.Contains($"corrupt: {corrupt} (", verifyOutput, StringComparison.Ordinal);
        Assert.Contains($"missing: {deleted} (", verifyOutput, StringComparison.Ordinal);
        Assert.Contains($"extra: {extra} (no manifest entry names it)", verifyOutput, StringComparison.Ordinal);
        Assert.Contains("backup verification FAILED: 2 of 2 account backup(s) have problems", verifyOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_backup_killed_at_several_points_When_run_again_Then_the_manifest_is_complete_and_consistent_and_no_temp_file_is_left()
    {
        var lab = new MailLab(fixture.Lab);
        var login = lab.NewLogin("bkk");
        var seeded = await LabCorpus.SeedAsync(lab, login, perFolder: 5);
        using var plan = BackupLab.Plan(lab, login.User, "  - { id: backup, uses: mail.backup, with: { batch_size: 3 } }",
            BackupLab.Target("md", "maildir") + "\n" + BackupLab.Target("mb", "mbox"));

        var kills = new List<string?>();
        // Before and after a batch is fetched (so before its files are written), at several batches, each in a new process.
        foreach (var point in new[] { 1, 2, 5, 8 })
        {
            kills.Add(await BackupLab.ApplyAndKillAsync(plan, point));
        }

        // And at moments no kill point marks: inside the writes, the renames, the manifest saves.
        foreach (var ms in new[] { 900, 1100 })
        {
            kills.Add(await BackupLab.ApplyAndKillAsync(plan, null, TimeSpan.FromMilliseconds(ms)));
        }

        Assert.True(kills.Take(4).All(k => k is not null), string.Join("; ", kills));
        var (code, output) = await RunbookProcess.RunAsync(plan.Folder, "apply", plan.PlanPath);
        Assert.True(code == 0, output + "\nkills: " + string.Join("; ", kills));

        Assert.Empty(Directory.EnumerateFiles(Path.Combine(plan.Folder, "backup"), "*" + AtomicFile.TempMarker + "*", SearchOption.AllDirectories));
        foreach (var target in new[] { "md", "mb" })
        {
            var manifest = await BackupLab.ManifestAsync(plan, target, login.User);
            var messages = manifest.Folders.SelectMany(f => f.Messages.Select(m => (f.Name, m.UidValidity, m.SourceId))).ToList();
            Assert.Equal(seeded, messages.Count);
            Assert.Equal(messages.Count, messages.Distinct().Count());
            Assert.All(manifest.Folders, f => Assert.Equal(f.ServerCount, f.Messages.Count));
        }

        var files = Directory.EnumerateFiles(BackupLab.AccountRoot(plan, "md", login.User), "*", SearchOption.AllDirectories).Count(f => f.Contains("/cur/", StringComparison.Ordinal));
        Assert.Equal(seeded, files);
        var (verify, verifyOutput) = await RunbookProcess.RunAsync(plan.Folder, "backup", "verify", plan.PlanPath);
        Assert.True(verify == 0, verifyOutput);
    }
    [Fact]
    public async Task Given_a_target_path_that_is_a_file_When_applied_Then_the_step_fails_naming_it_and_nothing_is_written_anywhere()
    {
        var lab = new MailLab(fixture.Lab);
        var login = lab.NewLogin("bkw");
        using var plan = BackupLab.Plan(lab, login.User, "  - { id: backup, uses: mail.backup }", BackupLab.Target("ok", "maildir") + "\n    - { id: bad, path: blocker/inside, format: mbox }");
        await File.WriteAllTextAsync(Path.Combine(plan.Folder, "blocker"), "a file, not a folder");

        var (dry, dryOutput) = await RunbookProcess.RunAsync(plan.Folder, "plan", plan.PlanPath);
        Assert.True(dry == 0, dryOutput);
        Assert.Contains("would write 0 message(s)", dryOutput, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(plan.Folder, "backup")));

        var (code, output) = await RunbookProcess.RunAsync(plan.Folder, "apply", plan.PlanPath);

        Assert.True(code == 1, output);
        Assert.Contains("backup target 'bad' (", output, StringComparison.Ordinal);
        Assert.Contains("is not writable", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(plan.Folder, "backup", "ok", login.User)));
    }
}
