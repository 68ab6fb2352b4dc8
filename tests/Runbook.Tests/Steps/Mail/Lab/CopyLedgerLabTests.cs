using Runbook.Adapters.Mail;
using Runbook.Adapters.State;
using Runbook.Tests.Adapters.Mail;
using Runbook.Tests.Lab;

namespace Runbook.Tests.Steps.Mail.Lab;

/// <summary>The copy ledger end to end: real `runbook apply` processes, real Dovecot on both sides, a person using the new server.</summary>
[Collection("lab")]
[Trait("Category", "Lab")]
public sealed class CopyLedgerLabTests(LabFixture fixture)
{
    private const string MigrateAndDelta = """
          - { id: migrate, uses: mail.migrate, with: { batch_size: 4 } }
          - { id: delta, uses: mail.delta_sync, with: { interval: 1m, for: 1h } }
        """;

    private static async Task<Dictionary<string, List<SnapshotMessage>>> NewAsync(MailLab lab, MailLogin login) =>
        await MailboxSnapshot.ReadAsync("127.0.0.1", lab.Port("new", "imap"), login.User, login.Password, CancellationToken.None);

    private static async Task<(int Code, string Output)> RunAsync(LabPlan plan, params string[] args) =>
        await RunbookProcess.RunAsync(plan.Folder, [.. args.Select(a => a == "PLAN" ? plan.PlanPath : a)]);

    private static async Task<IReadOnlyDictionary<string, long>> LedgerAsync(LabPlan plan)
    {
        await using var store = await StateStore.OpenReadOnlyAsync(plan.StatePath, TimeProvider.System, CancellationToken.None);
        return await store!.CountLedgerAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Given_a_user_deleted_moved_and_flagged_mail_on_the_new_server_When_delta_sync_and_migrate_run_again_Then_nothing_comes_back_and_recopy_deleted_brings_it_back_once()
    {
        var lab = new MailLab(fixture.Lab);
        var login = lab.NewLogin("ledger");
        await MailLabMessages.SeedAsync(lab.Old("imap"), login, "INBOX",
            [.. new[] { "keep", "del", "mov", "flag" }.Select(s => MailLabMessages.Item(MailLabMessages.Crlf(s, $"{s}@old.test")))]);
        using var plan = new LabPlan(lab, [login.User], MigrateAndDelta);
        var (first, firstOutput) = await RunAsync(plan, "apply", "PLAN");
        Assert.True(first == 3, firstOutput);
        await using (var user = await MailboxUser.LoginAsync(lab.Port("new", "imap"), login.User, login.Password))
        {
            await user.CreateAsync("Projects");
            await user.DeleteAsync("INBOX", "del@old.test");
            await user.MoveAsync("INBOX", "mov@old.test", "Projects");
            await user.FlagAsync("INBOX", "flag@old.test");
        }

        Assert.Equal(0, (await RunAsync(plan, "reset", "PLAN", "delta")).Code);
        var (delta, deltaOutput) = await RunAsync(plan, "apply", "PLAN");
        Assert.Equal(0, (await RunAsync(plan, "reset", "PLAN", "migrate")).Code);
        var (again, againOutput) = await RunAsync(plan, "apply", "PLAN", "--step", "migrate");
        var afterUser = await NewAsync(lab, login);

        Assert.True(delta == 3, deltaOutput);
        Assert.Contains("copied 0 messages", deltaOutput, StringComparison.Ordinal);
        Assert.Contains("2 deleted or moved on the new server since copied (not copied again)", deltaOutput, StringComparison.Ordinal);
        Assert.True(again == 0, againOutput);
        Assert.Contains("copied 0 messages", againOutput, StringComparison.Ordinal);
        Assert.Contains("2 deleted or moved on the new server since copied (not copied again)", againOutput, StringComparison.Ordinal);
        Assert.Equal(2, afterUser["INBOX"].Count);
        Assert.Single(afterUser["Projects"]);
        Assert.Single(afterUser["INBOX"], m => m.Flags.Contains("Flagged", StringComparison.Ordinal));

        plan.Write([login.User], MigrateAndDelta.Replace("batch_size: 4 }", "batch_size: 4, recopy_deleted: true }", StringComparison.Ordinal));
        var (recopy, recopyOutput) = await RunAsync(plan, "apply", "PLAN", "--step", "migrate", "--accept-plan-change");
        Assert.Equal(0, (await RunAsync(plan, "reset", "PLAN", "migrate")).Code);
        var (last, lastOutput) = await RunAsync(plan, "apply", "PLAN", "--step", "migrate");

        Assert.True(recopy == 0, recopyOutput);
        Assert.Contains("copied 2 messages", recopyOutput, StringComparison.Ordinal);
        Assert.True(last == 0, lastOutput);
        Assert.Contains("copied 0 messages", lastOutput, StringComparison.Ordinal);
        var final = await NewAsync(lab, login);
        Assert.Equal(4, final["INBOX"].Count);
        Assert.Single(final["Projects"]);
    }

    [Fact]
    public async Task Given_a_finished_migration_When_an_account_is_added_Then_only_it_is_copied_the_ledgers_stay_and_no_approval_is_asked_again()
    {
        var lab = new MailLab(fixture.Lab);
        var (a, b, c) = (lab.NewLogin("adda"), lab.NewLogin("addb"), lab.NewLogin("addc"));
        foreach (var login in new[] { a, b, c })
        {
            await LabCorpus.SeedAsync(lab, login, perFolder: 1);
        }

        const string steps = """
              - { id: migrate, uses: mail.migrate, with: { batch_size: 4 } }
              - { id: tell, uses: pause, with: { message: send the users their new settings } }
            """;
        using var plan = new LabPlan(lab, [a.User, b.User], steps);
        Assert.Equal(3, (await RunAsync(plan, "apply", "PLAN")).Code);
        Assert.Equal(0, (await RunAsync(plan, "approve", "PLAN", "tell")).Code);
        Assert.Equal(0, (await RunAsync(plan, "apply", "PLAN")).Code);
        var before = await LedgerAsync(plan);

        plan.Write([a.User, b.User, c.User], steps);
        var (code, output) = await RunAsync(plan, "apply", "PLAN");

        Assert.True(code == 0, output);
        Assert.Contains($"step migrate reopens for 1 account(s) it has not done: {c.User}", output, StringComparison.Ordinal);
        Assert.Contains("for 1 accounts", output, StringComparison.Ordinal);
        var after = await LedgerAsync(plan);
        Assert.Equal((before[a.User], before[b.User]), (after[a.User], after[b.User]));
        Assert.Equal((await NewAsync(lab, c)).Values.Sum(v => v.Count), after[c.User]);
        await MailMigrationLabTests.AssertMigratedAsync(lab, c);
    }

    [Fact]
    public async Task Given_a_different_message_with_the_same_message_id_on_the_new_server_When_migrated_Then_the_old_one_is_still_copied()
    {
        var lab = new MailLab(fixture.Lab);
        var login = lab.NewLogin("sameid");
        await MailLabMessages.SeedAsync(lab.Old("imap"), login, "INBOX", [MailLabMessages.Item(MailLabMessages.Crlf("the original", "reused@old.test"))]);
        await MailLabMessages.SeedAsync(lab.New("imap"), login, "INBOX", [MailLabMessages.Item(MailLabMessages.Crlf("a later reply that reused the id, longer", "reused@old.test"))]);
        using var plan = new LabPlan(lab, [login.User], "  - { id: migrate, uses: mail.migrate }");

        var (code, output) = await RunAsync(plan, "apply", "PLAN");

        Assert.True(code == 0, output);
        Assert.Contains("copied 1 messages", output, StringComparison.Ordinal);
        Assert.Equal(2, (await NewAsync(lab, login))["INBOX"].Count);
    }

    [Fact]
    public async Task Given_messages_in_obsolete_header_syntax_When_copied_the_state_deleted_and_copied_again_over_imap_and_pop3_Then_nothing_is_duplicated()
    {
        var lab = new MailLab(fixture.Lab);
        var login = lab.NewLogin("obs");
        byte[][] odd =
        [
            "Subject     : Saying Hello\r\nFrom   : a@old.test\r\nMessage-ID : <obs1@old.test>\r\n\r\nspace before the colon\r\n"u8.ToArray(),
            "X-Folded\r\n -Name: v\r\nSubject: a folded header name\r\n\r\nbody\r\n"u8.ToArray(),
            "\r\nno header at all\r\n"u8.ToArray(),
            "From: a@old.test\r\nSubject: headers only, no body"u8.ToArray(),
            "Subject: bare LF\nFrom: a@old.test\n\nline\n"u8.ToArray(),
        ];
        await MailLabMessages.SeedAsync(lab.Old("imap"), login, "INBOX", [.. odd.Select(m => MailLabMessages.Item(m))]);
        using var plan = new LabPlan(lab, [login.User], "  - { id: migrate, uses: mail.migrate }");

        var (first, firstOutput) = await RunAsync(plan, "apply", "PLAN");
        DeleteState(plan);
        var (again, againOutput) = await RunAsync(plan, "apply", "PLAN");
        DeleteState(plan);
        plan.Write([login.User], "  - { id: migrate, uses: mail.migrate, with: { source: pop3 } }");
        var (pop3, pop3Output) = await RunAsync(plan, "apply", "PLAN");

        Assert.True(first == 0, firstOutput);
        Assert.Contains("copied 5 messages", firstOutput, StringComparison.Ordinal);
        Assert.True(again == 0, againOutput);
        Assert.Contains("copied 0 messages", againOutput, StringComparison.Ordinal);
        Assert.Contains("matched by content", againOutput, StringComparison.Ordinal);
        Assert.True(pop3 == 0, pop3Output);
        Assert.Contains("copied 0 messages", pop3Output, StringComparison.Ordinal);
        Assert.Equal(5, (await NewAsync(lab, login))["INBOX"].Count);
    }

    [Fact]
    public async Task Given_a_destination_folder_deleted_and_recreated_between_passes_When_migrated_again_Then_it_is_refilled_without_duplicates()
    {
        var lab = new MailLab(fixture.Lab);
        var login = lab.NewLogin("recreate");
        await LabCorpus.SeedAsync(lab, login, perFolder: 2);
        using var plan = new LabPlan(lab, [login.User], "  - { id: migrate, uses: mail.migrate, with: { batch_size: 4 } }");
        Assert.Equal(0, (await RunAsync(plan, "apply", "PLAN")).Code);
        await using (var user = await MailboxUser.LoginAsync(lab.Port("new", "imap"), login.User, login.Password))
        {
            await user.RecreateAsync("取引先/2024");
        }

        Assert.Empty((await NewAsync(lab, login))["取引先/2024"]);
        Assert.Equal(0, (await RunAsync(plan, "reset", "PLAN", "migrate")).Code);
        var (refill, refillOutput) = await RunAsync(plan, "apply", "PLAN");
        Assert.Equal(0, (await RunAsync(plan, "reset", "PLAN", "migrate")).Code);
        var (again, againOutput) = await RunAsync(plan, "apply", "PLAN");

        Assert.True(refill == 0, refillOutput);
        Assert.Contains("copied 2 messages", refillOutput, StringComparison.Ordinal);
        Assert.True(again == 0, againOutput);
        Assert.Contains("copied 0 messages", againOutput, StringComparison.Ordinal);
        await MailMigrationLabTests.AssertMigratedAsync(lab, login);
    }

    private static void DeleteState(LabPlan plan)
    {
        foreach (var file in Directory.GetFiles(plan.Folder, "plan.runbook.db*"))
        {
            File.Delete(file);
        }
    }
}
