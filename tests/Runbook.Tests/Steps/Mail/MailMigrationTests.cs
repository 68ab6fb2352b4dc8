using Runbook.Errors;
using Runbook.Steps.Mail;
using Runbook.Tests.Steps.Mail.Fakes;

namespace Runbook.Tests.Steps.Mail;

public sealed class MailMigrationTests
{
    private const string Alice = "alice@example.test";

    private static (FakeServer Old, FakeServer New) Seed(CopyHarness harness)
    {
        var (old, @new) = harness.Connector.Add(Alice);
        var inbox = old.Folder("INBOX");
        inbox.Add("Subject: one\r\n\r\nbody", "one@x", ["Seen"], ["$Label1"], new DateTimeOffset(2019, 5, 6, 7, 8, 9, TimeSpan.FromHours(9)));
        inbox.Add("Subject: no id\r\n\r\nsame");
        inbox.Add("Subject: no id\r\n\r\nsame");
        inbox.Add("Subject: shared A\r\n\r\na", "shared@x");
        inbox.Add("Subject: shared B\r\n\r\nb", "shared@x", ["Flagged", "Answered"]);
        old.Folder("INBOX.Sent").Add("Subject: sent\r\n\r\nx", "sent@x", ["Seen"]);
        old.Folder("INBOX.取引先").Add("Subject: parent\r\n\r\np", "p@x");
        old.Folder("INBOX.取引先.2024").Add("Subject: deal\r\n\r\nno final newline", "deal@x");
        return (old, @new);
    }

    [Fact]
    public async Task Given_a_seeded_mailbox_When_migrated_Then_every_message_arrives_once_with_flags_keywords_and_dates()
    {
        using var harness = new CopyHarness();
        var (old, @new) = Seed(harness);

        var result = await harness.RunAsync();

        Assert.False(result.Failed, result.Error);
        CopyHarness.AssertEachOnce(old.Folders["INBOX"], @new.Folders["INBOX"]);
        CopyHarness.AssertEachOnce(old.Folders["INBOX.Sent"], @new.Folders["Sent"]);
        CopyHarness.AssertEachOnce(old.Folders["INBOX.取引先.2024"], @new.Folders["取引先/2024"]);
        var copied = @new.Folders["INBOX"].Messages.Single(m => m.MessageId == "one@x");
        Assert.Equal(["Seen"], copied.Flags);
        Assert.Equal(["$Label1"], copied.Keywords);
        Assert.Equal(new DateTimeOffset(2019, 5, 6, 7, 8, 9, TimeSpan.FromHours(9)), copied.InternalDate);
        Assert.Equal(8, result.Folders.Sum(f => f.Copied));
    }

    [Fact]
    public async Task Given_a_finished_migration_When_run_again_Then_nothing_is_copied_and_no_message_is_described_on_either_side()
    {
        using var harness = new CopyHarness();
        var (_, @new) = Seed(harness);
        await harness.RunAsync();
        var writes = @new.Writes;
        var listings = harness.Connector.Behaviour.DestinationListings;

        var second = await harness.RunAsync();

        Assert.Equal(writes, @new.Writes);
        Assert.Equal(0, second.Folders.Sum(f => f.Copied));
        Assert.Equal(8, second.Folders.Sum(f => f.Present));
        Assert.Equal(listings, harness.Connector.Behaviour.DestinationListings);
        Assert.Equal(0, harness.Connector.LastSource!.Described);
    }

    [Fact]
    public async Task Given_a_lost_ledger_When_run_again_Then_identities_prevent_every_duplicate_and_the_run_says_so()
    {
        using var harness = new CopyHarness();
        var (old, @new) = Seed(harness);
        await harness.RunAsync();
        harness.Ledger.Clear();

        var second = await harness.RunAsync();

        Assert.Equal(0, second.Folders.Sum(f => f.Copied));
        Assert.True(second.ContentMatchOnly);
        CopyHarness.AssertEachOnce(old.Folders["INBOX"], @new.Folders["INBOX"]);
    }

    [Fact]
    public async Task Given_a_uidvalidity_change_When_run_again_Then_no_duplicate_and_new_mail_is_copied()
    {
        using var harness = new CopyHarness();
        var (old, @new) = Seed(harness);
        await harness.RunAsync();
        old.Folders["INBOX"].Renumber();
        old.Folders["INBOX"].Add("Subject: after restore\r\n\r\nnew", "new@x");

        var second = await harness.RunAsync();

        var inbox = second.Folders.Single(f => f.Source == "INBOX");
        Assert.Equal(1, inbox.Copied);
        CopyHarness.AssertEachOnce(old.Folders["INBOX"], @new.Folders["INBOX"]);
    }

    [Fact]
    public async Task Given_new_mail_identical_to_old_mail_When_a_delta_pass_runs_Then_it_is_copied_not_matched_to_the_old_copy()
    {
        using var harness = new CopyHarness();
        var (old, @new) = Seed(harness);
        await harness.RunAsync();
        old.Folders["INBOX"].Add("Subject: no id\r\n\r\nsame");

        var second = await harness.RunAsync();

        Assert.Equal(1, second.Folders.Single(f => f.Source == "INBOX").Copied);
        CopyHarness.AssertEachOnce(old.Folders["INBOX"], @new.Folders["INBOX"]);
    }

    [Fact]
    public async Task Given_a_message_over_the_size_limit_and_a_refused_keyword_When_migrated_Then_both_are_reported_and_the_rest_copied()
    {
        using var harness = new CopyHarness();
        var (old, @new) = Seed(harness);
        var big = old.Folders["INBOX"].Add("Subject: big\r\n\r\n" + new string('x', 5000), "big@x");
        old.Folders["INBOX"].Add("Subject: odd keyword\r\n\r\nk", "k@x", keywords: ["$Forbidden", "$Ok"]);
        harness.Connector.Behaviour = new FakeDestinationBehaviour { MaxMessageSize = 1000, RefusedKeywords = ["$Forbidden"] };

        var result = await harness.RunAsync();

        var rejection = Assert.Single(result.Rejections);
        Assert.Equal((Alice, "INBOX", "6", (long)big.Bytes.Length), (rejection.Account, rejection.Folder, rejection.SourceId, rejection.Size));
        Assert.Contains("TOOBIG", rejection.Reason, StringComparison.Ordinal);
        var dropped = Assert.Single(result.Dropped);
        Assert.Equal(["$Forbidden"], dropped.Keywords);
        Assert.Equal(["$Ok"], @new.Folders["INBOX"].Messages.Single(m => m.MessageId == "k@x").Keywords);
        Assert.Equal(old.Folders["INBOX"].Messages.Count - 1, @new.Folders["INBOX"].Messages.Count);
    }

    [Fact]
    public async Task Given_a_rejected_message_When_run_again_Then_it_is_reported_again_and_nothing_is_duplicated()
    {
        using var harness = new CopyHarness();
        var (old, @new) = Seed(harness);
        old.Folders["INBOX"].Add("Subject: big\r\n\r\n" + new string('x', 5000), "big@x");
        old.Folders["INBOX"].Add("Subject: after big\r\n\r\nz", "after@x");
        harness.Connector.Behaviour = new FakeDestinationBehaviour { AppendLimit = 1000 };
        await harness.RunAsync();
        var count = @new.Folders["INBOX"].Messages.Count;

        var second = await harness.RunAsync();

        Assert.Single(second.Rejections);
        Assert.Contains("APPENDLIMIT", second.Rejections[0].Reason, StringComparison.Ordinal);
        Assert.Equal(count, @new.Folders["INBOX"].Messages.Count);
    }

    [Fact]
    public async Task Given_the_connection_drops_mid_append_When_migrated_Then_it_reconnects_after_backoff_and_copies_each_once()
    {
        using var harness = new CopyHarness();
        var (old, @new) = Seed(harness);
        harness.Connector.Behaviour = new FakeDestinationBehaviour { DropConnectionAfter = 3 };
        var started = harness.Time.GetUtcNow();

        var result = await harness.RunAsync();

        Assert.False(result.Failed, string.Join("; ", result.Folders.Select(f => f.Error)));
        CopyHarness.AssertEachOnce(old.Folders["INBOX"], @new.Folders["INBOX"]);
        Assert.True(harness.Time.GetUtcNow() - started >= harness.Options.RetryBackoff);
        Assert.True(harness.Connector.Opened >= 2);
    }

    [Fact]
    public async Task Given_a_connection_that_keeps_dropping_When_retries_run_out_Then_that_folder_fails_and_the_others_are_copied()
    {
        using var harness = new CopyHarness();
        var (old, @new) = Seed(harness);
        harness.Options = harness.Options with { RetryAttempts = 1 };
        harness.Connector.Behaviour = new FakeDestinationBehaviour { DropConnectionAfter = 0 };

        var result = await harness.RunAsync();

        Assert.True(result.Failed);
        Assert.Single(result.Folders, f => f.Error is not null);
        Assert.True(result.Folders.Count(f => f.Error is null && f.Copied > 0) >= 3);
    }

    [Fact]
    public async Task Given_two_source_folders_merged_into_sent_When_run_twice_Then_both_copies_exist_once_each()
    {
        using var harness = new CopyHarness();
        var (old, @new) = Seed(harness);
        old.Folder("INBOX.送信済みアイテム").Add("Subject: sent\r\n\r\nx", "sent@x", ["Seen"]);

        await harness.RunAsync();
        await harness.RunAsync();

        Assert.Equal(2, @new.Folders["Sent"].Messages.Count(m => m.MessageId == "sent@x"));
    }

    [Fact]
    public async Task Given_a_dry_run_When_run_Then_counts_are_reported_and_nothing_is_written()
    {
        using var harness = new CopyHarness();
        var (_, @new) = Seed(harness);

        var result = await harness.RunAsync(apply: false);

        Assert.Equal(0, @new.Writes);
        Assert.False(@new.Folders.ContainsKey("取引先/2024"));
        Assert.Equal(5, result.Folders.Single(f => f.Source == "INBOX").Missing);
        Assert.Equal("Sent", result.Routes.Single(r => r.Source == "INBOX.Sent").Destination);
        Assert.Empty(harness.Ledger.Entries);
    }

    [Fact]
    public async Task Given_a_wrong_password_for_one_account_When_migrated_Then_that_account_fails_with_its_exit_code_and_the_other_is_copied()
    {
        using var harness = new CopyHarness();
        var (_, aliceNew) = Seed(harness);
        var (bobOld, bobNew) = harness.Connector.Add("bob@example.test");
        bobOld.Folder("INBOX").Add("Subject: hi bob\r\n\r\nx", "bob@x");
        harness.Connector.WrongPassword.Add(Alice);
        var migration = new MailMigration(harness.Connector, harness.Options, harness.Ledger, harness.Time);

        var results = await migration.RunAsync([FakeConnector.Account(Alice), FakeConnector.Account("bob@example.test")], new(), apply: true, 2, null, CancellationToken.None);

        var alice = results.Single(r => r.Account == Alice);
        Assert.Equal(ExitCode.AuthenticationFailed, alice.ExitCode);
        Assert.False(alice.Retryable);
        Assert.Contains(Alice, alice.Error, StringComparison.Ordinal);
        Assert.Equal(0, aliceNew.Writes);
        Assert.False(results.Single(r => r.Account == "bob@example.test").Failed);
        Assert.True(bobNew.Writes == 1, string.Join("\n", bobNew.Folders.Values.SelectMany(f => f.Messages.Select(m => f.Name + " " + System.Text.Encoding.UTF8.GetString(m.Bytes)))));
    }
}
