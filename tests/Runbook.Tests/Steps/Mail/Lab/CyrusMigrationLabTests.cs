using System.Text;
using System.Text.RegularExpressions;
using Runbook.Adapters.Mail;
using Runbook.Tests.Adapters.Mail;
using Runbook.Tests.Lab;
using static Runbook.Tests.Adapters.Mail.MailLabMessages;

namespace Runbook.Tests.Steps.Mail.Lab;

/// <summary>Moving into Cyrus IMAP 3.6: what it refuses and what it alters are reported, never counted as copied, and repairable.</summary>
[Collection("lab")]
[Trait("Category", "Lab")]
public sealed class CyrusMigrationLabTests(LabFixture fixture)
{
    private static readonly byte[] Emoji = Encoding.UTF8.GetBytes("Message-ID: <emoji@old.test>\r\nFrom: a@old.test\r\nSubject: Another PDF with 🎉 Unicode chars in it 🍿\r\n\r\nbody\r\n");
    private static readonly byte[] Obsolete = "Message-ID: <obs@old.test>\r\nSubject   : Saying Hello\r\nFrom: a@old.test\r\n\r\nbody\r\n"u8.ToArray();

    /// <summary>Two plain messages, one with UTF-8 in its Subject (Cyrus stores X for each 8-bit byte), one in obsolete syntax (refused).</summary>
    private async Task<(MailLab Lab, MailLogin Old, MailLogin New)> SeedAsync(CancellationToken token)
    {
        var lab = new MailLab(fixture.Lab);
        var old = lab.NewLogin("cymig");
        await MailLabMessages.SeedAsync(lab.Old("imap"), old, "INBOX", [Item(Crlf("one", "one@old.test")), Item(Crlf("two", "two@old.test")), Item(Emoji), Item(Obsolete)]);
        return (lab, old, await new CyrusLab(fixture.Lab).NewLoginAsync(token));
    }

    private static LabPlan Plan(MailLab lab, MailLogin old, MailLogin @new, string with) =>
        new(lab, [old.User], $"  - {{ id: migrate, uses: mail.migrate{with} }}", newImapPort: lab.Environment.Cyrus.Imap.Port,
            newUsers: new Dictionary<string, string> { [old.User] = @new.User });

    [Fact]
    public async Task Given_Cyrus_as_the_new_server_When_migrated_Then_the_refused_and_the_altered_message_are_reported_apart_the_run_exits_4_and_accepting_both_makes_it_0()
    {
        var token = LabClients.Timeout(120);
        var (lab, old, @new) = await SeedAsync(token);
        using var plan = Plan(lab, old, @new, "");

        var (code, output) = await RunbookProcess.RunAsync(plan.Folder, "apply", plan.PlanPath);
        var (_, status) = await RunbookProcess.RunAsync(plan.Folder, "status", plan.PlanPath);

        Assert.True(code == 4, output);
        Assert.Contains("copied 2 messages", output, StringComparison.Ordinal);
        Assert.Contains("1 refused, 1 altered by the new server", output, StringComparison.Ordinal);
        Assert.Contains("refused by the new server: Message contains invalid header", output, StringComparison.Ordinal);
        Assert.Matches(@"altered by the new server \(Cyrus IMAPD 3\.6[^)]*\), stored as INBOX UID \d+: same size, other bytes; first difference at byte \d+ \(header\): sent F0 9F 8E 89", output);
        Assert.Contains("done with exceptions: 2 message(s) refused or altered", output, StringComparison.Ordinal);
        Assert.Contains("messages refused or altered by the new server: 2 open", status, StringComparison.Ordinal);

        var (accepted, acceptOutput) = await RunbookProcess.RunAsync(plan.Folder, "accept", plan.PlanPath, "migrate", "--all", "--reason", "customer agreed", "--by", "yuki");
        var (again, againOutput) = await RunbookProcess.RunAsync(plan.Folder, "apply", plan.PlanPath);

        Assert.True(accepted == 0, acceptOutput);
        Assert.Contains("2 accepted; 0 still open", acceptOutput, StringComparison.Ordinal);
        Assert.True(again == 0, againOutput);
    }

    [Fact]
    public async Task Given_repair_of_8bit_headers_When_migrated_into_Cyrus_Then_that_message_arrives_readable_its_original_is_kept_and_a_rerun_copies_nothing()
    {
        var token = LabClients.Timeout(120);
        var (lab, old, @new) = await SeedAsync(token);
        using var plan = Plan(lab, old, @new, ", with: { repair: [headers_8bit, bare_newlines, nul] }");

        var (code, output) = await RunbookProcess.RunAsync(plan.Folder, "apply", plan.PlanPath);
        Assert.Equal(0, (await RunbookProcess.RunAsync(plan.Folder, "reset", plan.PlanPath, "migrate")).ExitCode);
        var (again, againOutput) = await RunbookProcess.RunAsync(plan.Folder, "apply", plan.PlanPath);

        // The obsolete-syntax message is still refused: no repair rewrites a header's syntax. It stays an exception (4).
        Assert.True(code == 4, output);
        Assert.Contains("copied 3 messages", output, StringComparison.Ordinal);
        Assert.Contains("1 refused, 1 repaired before copying", output, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"UID \S+ altered by the new server", output);
        var original = Regex.Match(output, @"original kept at (\S+\.eml)").Groups[1].Value;
        Assert.Equal(Emoji, await File.ReadAllBytesAsync(original));
        Assert.True(again == 4, againOutput);
        Assert.Contains("copied 0 messages", againOutput, StringComparison.Ordinal);

        var stored = await MailboxSnapshot.ReadAsync(lab.Environment.Cyrus.Imap.Host, lab.Environment.Cyrus.Imap.Port, @new.User, @new.Password, token);
        Assert.Equal(3, stored["INBOX"].Count);
        var subject = await SubjectAsync(lab, @new, "emoji@old.test", token);
        Assert.Equal("Another PDF with 🎉 Unicode chars in it 🍿", subject);
    }

    [Fact]
    public async Task Given_the_labs_small_corpus_When_migrated_into_Cyrus_Then_every_copy_counted_as_copied_is_byte_exact_and_the_rest_are_exceptions()
    {
        var token = LabClients.Timeout(180);
        var lab = new MailLab(fixture.Lab);
        var old = lab.NewLogin("cycorpus");
        var manifest = await new Runbook.Lab.Corpus.CorpusSeeder(fixture.Lab).SeedAsync(old.User, new Runbook.Lab.Corpus.CorpusOptions(Runbook.Lab.Corpus.CorpusProfile.Small, 11), token);
        var @new = await new CyrusLab(fixture.Lab).NewLoginAsync(token);
        using var plan = Plan(lab, old, @new, ", with: { batch_size: 20 }");

        var (code, output) = await RunbookProcess.RunAsync(plan.Folder, "apply", plan.PlanPath);

        var summary = Regex.Match(output, @"copied (\d+) messages \([^)]*\) for 1 accounts; (\d+) already there, (\d+) refused(?:, (\d+) altered by the new server)?");
        Assert.True(summary.Success, output);
        var (copied, refused, altered) = (int.Parse(summary.Groups[1].Value), int.Parse(summary.Groups[3].Value), summary.Groups[4].Success ? int.Parse(summary.Groups[4].Value) : 0);
        var total = manifest.Folders.Sum(f => f.Messages.Count);
        Assert.Equal(total, copied + refused + altered);
        Assert.True(altered > 0, output);
        Assert.True(code == (refused + altered > 0 ? 4 : 0), output);
        // Byte for byte: the messages on Cyrus whose bytes are exactly an original's number the copied ones; the altered are the others.
        var originals = manifest.Folders.SelectMany(f => f.Messages).Select(m => m.Sha256.ToLowerInvariant()).ToHashSet();
        var stored = (await MailboxSnapshot.ReadAsync(lab.Environment.Cyrus.Imap.Host, lab.Environment.Cyrus.Imap.Port, @new.User, @new.Password, token)).Values.SelectMany(v => v).ToList();
        Assert.Equal(copied, stored.Count(m => originals.Contains(m.Sha256)));
        Assert.Equal(altered, stored.Count(m => !originals.Contains(m.Sha256)));
    }

    [Fact]
    public async Task Given_refused_and_altered_messages_in_Cyrus_When_verified_Then_verify_lists_them_and_decommission_refuses_until_each_is_accepted()
    {
        var token = LabClients.Timeout(180);
        var (lab, old, @new) = await SeedAsync(token);
        using var plan = new LabPlan(lab, [old.User], """
              - { id: migrate, uses: mail.migrate }
              - { id: verify, uses: verify, with: { counts: true, every_message: true, send_receive: false, mx: false } }
              - { id: decommission, uses: decommission }
            """, newImapPort: lab.Environment.Cyrus.Imap.Port, newUsers: new Dictionary<string, string> { [old.User] = @new.User });

        var (first, firstOutput) = await RunbookProcess.RunAsync(plan.Folder, "apply", plan.PlanPath);
        Assert.Equal(0, (await RunbookProcess.RunAsync(plan.Folder, "approve", plan.PlanPath, "decommission", "--by", "yuki")).ExitCode);
        var (gate, gateOutput) = await RunbookProcess.RunAsync(plan.Folder, "apply", plan.PlanPath, "--step", "decommission");

        Assert.True(first == 1, firstOutput);
        Assert.Contains("missing", firstOutput, StringComparison.Ordinal);
        Assert.Contains("altered", firstOutput, StringComparison.Ordinal);
        Assert.True(gate == 1, gateOutput);
        Assert.Contains("2 message(s) refused or altered by the new server are neither resolved nor accepted", gateOutput, StringComparison.Ordinal);

        Assert.Equal(0, (await RunbookProcess.RunAsync(plan.Folder, "accept", plan.PlanPath, "migrate", "--all", "--reason", "customer agreed", "--by", "yuki")).ExitCode);
        Assert.Equal(0, (await RunbookProcess.RunAsync(plan.Folder, "reset", plan.PlanPath, "verify")).ExitCode);
        var (done, doneOutput) = await RunbookProcess.RunAsync(plan.Folder, "apply", plan.PlanPath);

        Assert.True(done == 0, doneOutput);
        Assert.Contains("2 refused or altered by the new server and accepted by a person", doneOutput, StringComparison.Ordinal);
        Assert.Contains("[decommission] done", doneOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_the_labs_small_corpus_and_every_repair_When_migrated_into_Cyrus_Then_all_arrive_the_originals_are_kept_and_a_rerun_copies_nothing()
    {
        var token = LabClients.Timeout(180);
        var lab = new MailLab(fixture.Lab);
        var old = lab.NewLogin("cyrepair");
        var manifest = await new Runbook.Lab.Corpus.CorpusSeeder(fixture.Lab).SeedAsync(old.User, new Runbook.Lab.Corpus.CorpusOptions(Runbook.Lab.Corpus.CorpusProfile.Small, 12), token);
        var @new = await new CyrusLab(fixture.Lab).NewLoginAsync(token);
        using var plan = Plan(lab, old, @new, ", with: { batch_size: 20, repair: [headers_8bit, bare_newlines, nul] }");

        var (code, output) = await RunbookProcess.RunAsync(plan.Folder, "apply", plan.PlanPath);
        Assert.Equal(0, (await RunbookProcess.RunAsync(plan.Folder, "reset", plan.PlanPath, "migrate")).ExitCode);
        var (again, againOutput) = await RunbookProcess.RunAsync(plan.Folder, "apply", plan.PlanPath);

        var total = manifest.Folders.Sum(f => f.Messages.Count);
        Assert.True(code == 0, output);
        Assert.Matches($@"copied {total} messages \([^)]*\) for 1 accounts; 0 already there, 0 refused, \d+ repaired before copying", output);
        foreach (Match kept in Regex.Matches(output, @"original kept at (\S+\.eml)"))
        {
            Assert.True(File.Exists(kept.Groups[1].Value), kept.Value);
        }

        Assert.True(again == 0, againOutput);
        Assert.Contains("copied 0 messages", againOutput, StringComparison.Ordinal);
        var stored = (await MailboxSnapshot.ReadAsync(lab.Environment.Cyrus.Imap.Host, lab.Environment.Cyrus.Imap.Port, @new.User, @new.Password, token)).Values.Sum(v => v.Count);
        Assert.Equal(total, stored);
    }

    private static async Task<string?> SubjectAsync(MailLab lab, MailLogin login, string messageId, CancellationToken token)
    {
        using var client = new MailKit.Net.Imap.ImapClient();
        await client.ConnectAsync(lab.Environment.Cyrus.Imap.Host, lab.Environment.Cyrus.Imap.Port, MailKit.Security.SecureSocketOptions.None, token);
        await client.AuthenticateAsync(login.User, login.Password, token);
        await client.Inbox.OpenAsync(MailKit.FolderAccess.ReadOnly, token);
        var uid = (await client.Inbox.SearchAsync(MailKit.Search.SearchQuery.HeaderContains("Message-ID", messageId), token)).Single();
        return (await client.Inbox.GetMessageAsync(uid, token)).Subject;
    }
}
