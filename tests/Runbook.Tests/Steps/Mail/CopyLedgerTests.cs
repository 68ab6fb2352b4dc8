using Runbook.Tests.Steps.Mail.Fakes;

namespace Runbook.Tests.Steps.Mail;

/// <summary>The copy ledger over fake servers: a person's changes on the new server are respected, nothing is copied twice.</summary>
public sealed class CopyLedgerTests
{
    private static (FakeServer Old, FakeServer New) Seed(CopyHarness harness)
    {
        var (old, @new) = harness.Connector.Add("alice@example.test");
        var inbox = old.Folder("INBOX");
        inbox.Add("Subject: one\r\n\r\n1", "one@x");
        inbox.Add("Subject: two\r\n\r\n2", "two@x");
        inbox.Add("Subject: three\r\n\r\n3", "three@x", ["Seen"]);
        inbox.Add("Subject: four\r\n\r\n4", "four@x");
        return (old, @new);
    }

    /// <summary>What a user does in a mail client on the new server: delete one message, move another to a folder.</summary>
    private static void DeleteAndMove(FakeServer @new)
    {
        var inbox = @new.Folders["INBOX"];
        inbox.Messages.RemoveAll(m => m.MessageId == "one@x");
        var moved = inbox.Messages.Single(m => m.MessageId == "two@x");
        inbox.Messages.Remove(moved);
        @new.Folder("Archive").AddBytes(moved.Bytes, moved.MessageId);
    }

    [Fact]
    public async Task Given_a_user_deleted_and_moved_mail_on_the_new_server_When_the_pass_runs_again_Then_nothing_comes_back_and_it_says_how_many()
    {
        using var harness = new CopyHarness();
        var (_, @new) = Seed(harness);
        await harness.RunAsync();
        DeleteAndMove(@new);
        var writes = @new.Writes;

        var second = await harness.RunAsync();

        Assert.Equal(writes, @new.Writes);
        var inbox = second.Folders.Single(f => f.Source == "INBOX");
        Assert.Equal((0, 2, 2), (inbox.Copied, inbox.Present, inbox.Deleted));
        Assert.Equal(2, @new.Folders["INBOX"].Messages.Count);
        Assert.Single(@new.Folders["Archive"].Messages);
    }

    [Fact]
    public async Task Given_recopy_deleted_When_the_pass_runs_twice_Then_the_deleted_and_moved_ones_come_back_once()
    {
        using var harness = new CopyHarness();
        var (old, @new) = Seed(harness);
        await harness.RunAsync();
        DeleteAndMove(@new);
        harness.Options = harness.Options with { RecopyDeleted = true };

        var second = await harness.RunAsync();
        var third = await harness.RunAsync();

        Assert.Equal(2, second.Folders.Single(f => f.Source == "INBOX").Copied);
        Assert.Equal(0, third.Folders.Sum(f => f.Copied));
        CopyHarness.AssertEachOnce(old.Folders["INBOX"], @new.Folders["INBOX"]);
    }

    [Fact]
    public async Task Given_a_different_message_with_the_same_message_id_on_the_destination_When_migrated_Then_the_source_message_is_still_copied()
    {
        using var harness = new CopyHarness();
        var (old, @new) = Seed(harness);
        @new.Folders["INBOX"].Add("Subject: a reply that reused the id\r\n\r\nnot the same message at all", "three@x");

        var result = await harness.RunAsync();

        Assert.Equal(4, result.Folders.Single(f => f.Source == "INBOX").Copied);
        Assert.Equal(2, @new.Folders["INBOX"].Messages.Count(m => m.MessageId == "three@x"));
    }

    [Fact]
    public async Task Given_a_destination_folder_deleted_and_recreated_When_the_pass_runs_Then_it_is_refilled_without_duplicates()
    {
        using var harness = new CopyHarness();
        var (old, @new) = Seed(harness);
        await harness.RunAsync();
        var inbox = @new.Folders["INBOX"];
        // Recreated with one message restored by hand: a new UIDVALIDITY, UIDs from 1 again.
        var restored = inbox.Messages.Single(m => m.MessageId == "four@x");
        inbox.UidValidity++;
        inbox.Messages.Clear();
        inbox.NextUid = 1;
        inbox.AddBytes(restored.Bytes, restored.MessageId);

        var second = await harness.RunAsync();
        var third = await harness.RunAsync();

        Assert.Equal((3, 1), (second.Folders.Single(f => f.Source == "INBOX").Copied, second.Folders.Single(f => f.Source == "INBOX").Present));
        Assert.Equal(0, third.Folders.Sum(f => f.Copied));
        CopyHarness.AssertEachOnce(old.Folders["INBOX"], @new.Folders["INBOX"]);
    }

    [Fact]
    public async Task Given_a_copy_whose_ledger_write_was_lost_When_the_pass_runs_Then_it_is_found_by_content_and_remembered()
    {
        using var harness = new CopyHarness();
        var (old, @new) = Seed(harness);
        await harness.RunAsync();
        harness.Ledger.Clear();
        old.Folders["INBOX"].Add("Subject: five\r\n\r\n5", "five@x");

        var second = await harness.RunAsync();
        var described = harness.Connector.LastSource!.Described;
        var third = await harness.RunAsync();

        Assert.Equal((1, 4), (second.Folders.Single(f => f.Source == "INBOX").Copied, second.Folders.Single(f => f.Source == "INBOX").Present));
        Assert.True(second.ContentMatchOnly);
        Assert.Equal(5, described);
        Assert.Equal(0, harness.Connector.LastSource!.Described);
        Assert.False(third.ContentMatchOnly);
        Assert.Equal(5, harness.Ledger.Entries.Count);
    }
}
