using Runbook.Adapters.Mail;
using Runbook.Tests.Adapters.Mail;
using Runbook.Tests.Lab;

namespace Runbook.Tests.Steps.Mail.Lab;

/// <summary>The fast delta pass on real Dovecot: what changes on the old server between two passes is each picked up, and nothing is copied twice.</summary>
[Collection("lab")]
[Trait("Category", "Lab")]
public sealed class FastPassLabTests(LabFixture fixture)
{
    private const string MigrateAndDelta = """
          - { id: migrate, uses: mail.migrate, with: { batch_size: 4 } }
          - { id: delta, uses: mail.delta_sync, with: { interval: 1m, for: 1h } }
        """;

    private static AppendItem Message(string name) => MailLabMessages.Item(MailLabMessages.Crlf(name, $"{name}@old.test"), ["Seen"]);

    /// <summary>One more delta pass: the step is reset, then applied; it stays waiting for its next pass (exit 3).</summary>
    private static async Task<string> DeltaPassAsync(LabPlan plan)
    {
        Assert.Equal(0, (await RunbookProcess.RunAsync(plan.Folder, ["reset", plan.PlanPath, "delta"])).ExitCode);
        var (code, output) = await RunbookProcess.RunAsync(plan.Folder, ["apply", plan.PlanPath]);
        Assert.True(code == 3, output);
        return output;
    }

    [Fact]
    public async Task Given_a_migrated_account_When_mail_arrives_flags_change_a_folder_appears_is_renumbered_and_loses_mail_between_passes_Then_each_is_picked_up_and_nothing_is_copied_twice()
    {
        var lab = new MailLab(fixture.Lab);
        var login = lab.NewLogin("fast");
        await MailLabMessages.SeedAsync(lab.Old("imap"), login, "INBOX", [.. new[] { "a", "b", "c", "d" }.Select(Message)]);
        await MailLabMessages.SeedAsync(lab.Old("imap"), login, "Work", [Message("w1"), Message("w2")]);
        using var plan = new LabPlan(lab, [login.User], MigrateAndDelta);
        var (first, firstOutput) = await RunbookProcess.RunAsync(plan.Folder, ["apply", plan.PlanPath]);
        Assert.True(first == 3, firstOutput);
        // The delta's first pass ran right after migrate, with nothing new.
        Assert.Contains("copied 0 messages (0 B) for 1 accounts; 6 already there, 0 refused; 2 of 2 folders unchanged since the last pass (not read)", firstOutput, StringComparison.Ordinal);

        await using (var user = await MailboxUser.LoginAsync(lab.Port("old", "imap"), login.User, login.Password))
        {
            await user.FlagAsync("INBOX.Work", "w1@old.test");
        }

        var flagged = await DeltaPassAsync(plan);
        Assert.Contains("copied 0 messages (0 B) for 1 accounts; 6 already there, 0 refused; 1 of 2 folders unchanged", flagged, StringComparison.Ordinal);

        await MailLabMessages.SeedAsync(lab.Old("imap"), login, "INBOX", [Message("e")]);
        await MailLabMessages.SeedAsync(lab.Old("imap"), login, "New", [Message("n1")]);
        var grown = await DeltaPassAsync(plan);
        Assert.Contains("copied 2 messages", grown, StringComparison.Ordinal);
        Assert.Contains("8 already there, 0 refused; 3 of 3 folders unchanged", await DeltaPassAsync(plan), StringComparison.Ordinal);

        uint before, after;
        await using (var user = await MailboxUser.LoginAsync(lab.Port("old", "imap"), login.User, login.Password))
        {
            before = await user.UidValidityAsync("INBOX.Work");
        }

        // A new session: Dovecot drops one whose selected folder is deleted.
        await using (var user = await MailboxUser.LoginAsync(lab.Port("old", "imap"), login.User, login.Password))
        {
            await user.RecreateAsync("INBOX.Work");
            await user.DeleteAsync("INBOX", "a@old.test");
        }

        await MailLabMessages.SeedAsync(lab.Old("imap"), login, "Work", [Message("w1"), Message("w2")]);
        await using (var user = await MailboxUser.LoginAsync(lab.Port("old", "imap"), login.User, login.Password))
        {
            after = await user.UidValidityAsync("INBOX.Work");
        }

        var renumbered = await DeltaPassAsync(plan);
        var last = await DeltaPassAsync(plan);

        Assert.NotEqual(before, after);
        Assert.Contains("copied 0 messages (0 B) for 1 accounts; 7 already there, 0 refused; 1 of 3 folders unchanged", renumbered, StringComparison.Ordinal);
        Assert.Contains("copied 0 messages (0 B) for 1 accounts; 7 already there, 0 refused; 3 of 3 folders unchanged", last, StringComparison.Ordinal);
        var @new = await MailboxSnapshot.ReadAsync("127.0.0.1", lab.Port("new", "imap"), login.User, login.Password, CancellationToken.None);
        var hashes = @new.Values.SelectMany(v => v).Select(m => m.Sha256).ToList();
        Assert.Equal((5, 2, 1), (@new["INBOX"].Count, @new["Work"].Count, @new["New"].Count));
        Assert.Equal(8, hashes.Distinct().Count());
        Assert.Equal(8, hashes.Count);
    }
}
