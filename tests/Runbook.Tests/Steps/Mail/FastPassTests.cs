using Runbook.Tests.Steps.Mail.Fakes;

namespace Runbook.Tests.Steps.Mail;

/// <summary>
/// The pass that finds little or nothing new: per source folder, what the last completed pass saw (UIDVALIDITY,
/// UIDNEXT, count, HIGHESTMODSEQ) decides whether the folder is skipped, read from UIDNEXT on, or read in full.
/// </summary>
public sealed class FastPassTests
{
    private static (FakeServer Old, FakeServer New) Seed(CopyHarness harness)
    {
        var (old, @new) = harness.Connector.Add("alice@example.test");
        var inbox = old.Folder("INBOX");
        for (var i = 1; i <= 5; i++)
        {
            inbox.Add($"Subject: inbox {i}\r\n\r\n{i}", $"inbox{i}@x");
        }

        old.Folder("INBOX.Projects").Add("Subject: project\r\n\r\np", "project@x");
        return (old, @new);
    }

    private static List<string> Hashes(FakeServer server) =>
        [.. server.Folders.Values.SelectMany(f => f.Messages).Select(m => Convert.ToHexString(m.Bytes)).Order()];

    [Fact]
    public async Task Given_a_completed_pass_When_nothing_changed_Then_the_next_pass_lists_and_describes_no_message()
    {
        using var harness = new CopyHarness();
        var (old, @new) = Seed(harness);
        await harness.RunAsync();
        var firstStatuses = harness.Connector.LastSource!.StatusQueries;
        var writes = @new.Writes;

        var second = await harness.RunAsync();

        var source = harness.Connector.LastSource!;
        Assert.Equal(0, firstStatuses);
        Assert.Equal(2, source.StatusQueries);
        Assert.Equal((0, 0, 0), (source.Listings, source.ChangeListings, source.Described));
        Assert.Equal(writes, @new.Writes);
        Assert.All(second.Folders, f => Assert.True(f.Unchanged));
        Assert.Equal((5, 5, 0), (second.Folders.Single(f => f.Source == "INBOX").Listed, second.Folders.Single(f => f.Source == "INBOX").Present, second.Folders.Sum(f => f.Copied)));
        CopyHarness.AssertEachOnce(old.Folders["INBOX"], @new.Folders["INBOX"]);
    }

    [Fact]
    public async Task Given_one_account_When_a_pass_copies_and_the_next_finds_nothing_Then_each_reads_the_new_servers_folder_list_once()
    {
        using var harness = new CopyHarness();
        Seed(harness);

        await harness.RunAsync();
        var first = harness.Connector.Behaviour.FolderListings;
        await harness.RunAsync();

        // The folder map and the "does this folder exist yet" check share one LIST: one round trip per account and pass.
        Assert.Equal((1, 2), (first, harness.Connector.Behaviour.FolderListings));
    }

    [Fact]
    public async Task Given_a_completed_pass_When_one_message_arrives_Then_only_it_is_listed_described_and_copied()
    {
        using var harness = new CopyHarness();
        var (old, @new) = Seed(harness);
        await harness.RunAsync();
        old.Folders["INBOX"].Add("Subject: late\r\n\r\nl", "late@x");

        var second = await harness.RunAsync();

        var source = harness.Connector.LastSource!;
        Assert.Equal((0, 1, 1), (source.Listings, source.ChangeListings, source.Described));
        var inbox = second.Folders.Single(f => f.Source == "INBOX");
        Assert.Equal((6, 5, 1), (inbox.Listed, inbox.Present, inbox.Copied));
        Assert.True(second.Folders.Single(f => f.Source == "INBOX.Projects").Unchanged);
        CopyHarness.AssertEachOnce(old.Folders["INBOX"], @new.Folders["INBOX"]);

        var third = await harness.RunAsync();
        Assert.All(third.Folders, f => Assert.True(f.Unchanged));
        Assert.Equal(6, third.Folders.Single(f => f.Source == "INBOX").Present);
    }

    [Fact]
    public async Task Given_a_completed_pass_When_a_flag_changes_Then_only_that_message_is_asked_about_and_nothing_is_copied()
    {
        using var harness = new CopyHarness();
        var (old, @new) = Seed(harness);
        await harness.RunAsync();
        var writes = @new.Writes;
        old.Folders["INBOX"].SetFlags(3, ["Seen", "Flagged"], ["$Label1"]);

        var second = await harness.RunAsync();

        var source = harness.Connector.LastSource!;
        Assert.Equal((0, 1, 0), (source.Listings, source.ChangeListings, source.Described));
        Assert.Equal(writes, @new.Writes);
        Assert.Equal((5, 0), (second.Folders.Single(f => f.Source == "INBOX").Present, second.Folders.Sum(f => f.Copied)));
        Assert.All((await harness.RunAsync()).Folders, f => Assert.True(f.Unchanged));
    }

    [Fact]
    public async Task Given_a_completed_pass_When_the_folder_is_renumbered_or_loses_a_message_Then_it_is_read_in_full_and_nothing_is_copied_twice()
    {
        using var harness = new CopyHarness();
        var (old, @new) = Seed(harness);
        await harness.RunAsync();

        old.Folders["INBOX"].Renumber();
        var renumbered = await harness.RunAsync();
        Assert.Equal(1, harness.Connector.LastSource!.Listings);
        Assert.Equal((0, 5), (renumbered.Folders.Sum(f => f.Copied), renumbered.Folders.Single(f => f.Source == "INBOX").Present));

        old.Folders["INBOX"].Messages.RemoveAt(0);
        var expunged = await harness.RunAsync();
        Assert.Equal(1, harness.Connector.LastSource!.Listings);
        Assert.Equal((0, 4), (expunged.Folders.Sum(f => f.Copied), expunged.Folders.Single(f => f.Source == "INBOX").Present));
        Assert.Equal(5, @new.Folders["INBOX"].Messages.Count);
        Assert.Equal(6, Hashes(@new).Count);
    }

    [Fact]
    public async Task Given_a_copy_deleted_on_the_new_server_When_the_source_did_not_change_Then_the_pass_reads_in_full_and_counts_it()
    {
        using var harness = new CopyHarness();
        var (_, @new) = Seed(harness);
        await harness.RunAsync();
        @new.Folders["INBOX"].Messages.RemoveAt(0);

        var second = await harness.RunAsync();

        var inbox = second.Folders.Single(f => f.Source == "INBOX");
        Assert.Equal((false, 4, 1, 0), (inbox.Unchanged, inbox.Present, inbox.Deleted, inbox.Copied));
        var third = (await harness.RunAsync()).Folders.Single(f => f.Source == "INBOX");
        Assert.Equal((true, 4, 1), (third.Unchanged, third.Present, third.Deleted));
    }

    [Fact]
    public async Task Given_a_server_without_CONDSTORE_When_nothing_changed_Then_every_pass_reads_in_full()
    {
        using var harness = new CopyHarness();
        var (old, _) = Seed(harness);
        old.CondStore = false;
        await harness.RunAsync();

        var second = await harness.RunAsync();

        Assert.Equal(2, harness.Connector.LastSource!.Listings);
        Assert.All(second.Folders, f => Assert.False(f.Unchanged));
    }

    [Fact]
    public async Task Given_a_message_the_new_server_refused_When_the_next_pass_runs_Then_its_folder_is_read_again_and_the_message_retried()
    {
        using var harness = new CopyHarness();
        var (old, @new) = Seed(harness);
        old.Folders["INBOX"].Add("Subject: big\r\n\r\n" + new string('x', 400), "big@x");
        harness.Connector.Behaviour = new FakeDestinationBehaviour { MaxMessageSize = 100 };
        var first = await harness.RunAsync();
        Assert.Equal(1, first.Folders.Single(f => f.Source == "INBOX").Rejected);

        harness.Connector.Behaviour = new FakeDestinationBehaviour();
        var second = await harness.RunAsync();

        Assert.Equal(1, second.Folders.Single(f => f.Source == "INBOX").Copied);
        CopyHarness.AssertEachOnce(old.Folders["INBOX"], @new.Folders["INBOX"]);
    }

    [Fact]
    public async Task Given_the_state_was_deleted_When_the_pass_runs_Then_it_reads_in_full_and_copies_nothing_twice()
    {
        using var harness = new CopyHarness();
        var (old, @new) = Seed(harness);
        await harness.RunAsync();
        harness.Ledger.Clear();

        var second = await harness.RunAsync();

        Assert.Equal(2, harness.Connector.LastSource!.Listings);
        Assert.Equal(0, second.Folders.Sum(f => f.Copied));
        CopyHarness.AssertEachOnce(old.Folders["INBOX"], @new.Folders["INBOX"]);
        Assert.Equal(2, harness.Ledger.FolderStates.Count);
    }

    [Fact]
    public async Task Given_a_dry_run_When_it_runs_after_a_completed_pass_Then_it_skips_unchanged_folders_and_remembers_nothing()
    {
        using var harness = new CopyHarness();
        Seed(harness);
        await harness.RunAsync();
        var writes = harness.Ledger.FolderStateWrites;

        var dry = await harness.RunAsync(apply: false);

        Assert.All(dry.Folders, f => Assert.True(f.Unchanged));
        Assert.Equal(writes, harness.Ledger.FolderStateWrites);
    }

    [Fact]
    public async Task Given_mail_arriving_between_the_status_and_the_listing_When_the_pass_completes_Then_the_folder_is_not_remembered_and_the_next_pass_reads_it_again()
    {
        using var harness = new CopyHarness();
        var (old, @new) = Seed(harness);
        old.OnNextListing = folder => folder.Add("Subject: racing\r\n\r\nr", "racing@x");

        var first = await harness.RunAsync();

        Assert.Equal(6, first.Folders.Where(f => f.Source == "INBOX").Sum(f => f.Copied));
        Assert.DoesNotContain(harness.Ledger.FolderStates, s => s.SourceFolder == "INBOX");
        Assert.Contains(harness.Ledger.FolderStates, s => s.SourceFolder == "INBOX.Projects");
        var second = await harness.RunAsync();
        Assert.Equal((false, 6, 0), (second.Folders.Single(f => f.Source == "INBOX").Unchanged, second.Folders.Single(f => f.Source == "INBOX").Present, second.Folders.Sum(f => f.Copied)));
        Assert.True((await harness.RunAsync()).Folders.Single(f => f.Source == "INBOX").Unchanged);
        CopyHarness.AssertEachOnce(old.Folders["INBOX"], @new.Folders["INBOX"]);
    }
}
