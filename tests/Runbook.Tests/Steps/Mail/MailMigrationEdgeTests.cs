using Runbook.Tests.Steps.Mail.Fakes;

namespace Runbook.Tests.Steps.Mail;

public sealed class MailMigrationEdgeTests
{
    private const string Alice = "alice@example.test";

    [Fact]
    public async Task Given_a_pop3_source_When_migrated_twice_and_after_losing_state_Then_inbox_holds_each_message_once()
    {
        using var harness = new CopyHarness(pop3: true);
        var (old, @new) = harness.Connector.Add(Alice);
        old.Folder("INBOX").Add("Subject: a\r\n\r\n1", "a@x", uidl: "u1");
        old.Folder("INBOX").Add("Subject: no id\r\n\r\nsame", uidl: "u2");
        old.Folder("INBOX").Add("Subject: no id\r\n\r\nsame", uidl: "u3");
        old.Folder("INBOX.Sent").Add("Subject: not reachable over pop3\r\n\r\n", "s@x");

        var first = await harness.RunAsync();
        old.Folder("INBOX").Add("Subject: later\r\n\r\n2", "b@x", uidl: "u4");
        var second = await harness.RunAsync();
        harness.Ledger.Clear();
        var third = await harness.RunAsync();

        Assert.Equal(3, first.Folders.Single().Copied);
        Assert.Equal((4, 3, 1), (second.Folders.Single().Listed, second.Folders.Single().Present, second.Folders.Single().Copied));
        Assert.Equal(0, third.Folders.Single().Copied);
        CopyHarness.AssertEachOnce(old.Folders["INBOX"], @new.Folders["INBOX"]);
        Assert.Equal(["INBOX"], first.Folders.Select(f => f.Source));
    }

    [Fact]
    public async Task Given_a_folder_whose_server_stops_answering_When_migrated_Then_that_folder_times_out_and_the_others_are_copied()
    {
        using var harness = new CopyHarness();
        var (old, @new) = harness.Connector.Add(Alice);
        old.Folder("INBOX").Add("Subject: a\r\n\r\n1", "a@x");
        old.Folder("INBOX.Stuck").Add("Subject: b\r\n\r\n2", "b@x");
        old.Folder("INBOX.Zeta").Add("Subject: c\r\n\r\n3", "c@x");
        old.Hanging.Add("INBOX.Stuck");
        harness.Options = harness.Options with { FolderTimeout = TimeSpan.FromMinutes(1) };

        var result = await harness.RunAsync();

        var stuck = result.Folders.Single(f => f.Source == "INBOX.Stuck");
        Assert.Contains("timed out", stuck.Error, StringComparison.Ordinal);
        Assert.Single(@new.Folders["INBOX"].Messages);
        Assert.Single(@new.Folders["Zeta"].Messages);
    }
}
