using System.Security.Cryptography;
using System.Text;
using Runbook.Adapters.Mail;
using Runbook.Engine;
using Runbook.Steps.Mail;
using Runbook.Steps.Verify;
using Runbook.Tests.Steps.Mail.Fakes;

namespace Runbook.Tests.Steps.Verify;

/// <summary>The comparison's rules on hand-made mailboxes: each copy claimed once, the ledger only explains, new mail is no error.</summary>
public sealed class MailboxComparerTests
{
    private static readonly DateTimeOffset CopiedAt = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Given_a_copy_a_person_moved_to_another_folder_When_compared_Then_it_is_moved_after_copy_and_not_a_failure()
    {
        var read = Read(
            source: [Msg("INBOX", 1, "a"), Msg("INBOX", 2, "b")],
            destination: [Msg("INBOX", 11, "a"), Msg("Projects", 5, "b")],
            ledger: [Entry(2, destinationUid: 12)]);

        var comparison = MailboxComparer.Compare(read, content: true);

        var moved = Assert.Single(comparison.Issues);
        Assert.Equal(IssueKind.MovedAfterCopy, moved.Kind);
        Assert.StartsWith("now in Projects UID 5; copied 2026-12-01 10:00:00Z by migrate into INBOX UID 12", moved.Detail, StringComparison.Ordinal);
        Assert.True(Assert.Single(comparison.Counts).Passed);
        Assert.Equal(1, comparison.Counts[0].RemovedByPerson);
    }

    [Fact]
    public void Given_the_same_bytes_in_another_folder_and_no_record_of_a_copy_When_compared_Then_it_is_missing_and_says_where_the_bytes_are()
    {
        var read = Read(source: [Msg("INBOX", 1, "a")], destination: [Msg("Projects", 5, "a")], ledger: []);

        var issue = Assert.Single(MailboxComparer.Compare(read, content: true).Issues);

        Assert.Equal(IssueKind.Missing, issue.Kind);
        Assert.Equal("not in INBOX; the same bytes are in Projects UID 5, with no record of a copy", issue.Detail);
    }

    [Fact]
    public void Given_two_identical_source_messages_and_copies_in_other_numbers_When_compared_Then_each_copy_counts_once()
    {
        var one = Read(source: [Msg("INBOX", 1, "same"), Msg("INBOX", 2, "same")], destination: [Msg("INBOX", 11, "same")], ledger: []);
        var three = Read(source: [Msg("INBOX", 1, "same")], destination: [Msg("INBOX", 11, "same"), Msg("INBOX", 12, "same")], ledger: []);

        Assert.Equal(IssueKind.Missing, Assert.Single(MailboxComparer.Compare(one, content: true).Issues).Kind);
        Assert.Equal(IssueKind.Duplicated, Assert.Single(MailboxComparer.Compare(three, content: true).Issues).Kind);
    }

    [Fact]
    public void Given_new_mail_on_the_new_server_and_a_changed_flag_When_compared_Then_the_new_mail_is_extra_and_the_flag_change_lands_on_the_flagged_copy()
    {
        var read = Read(
            source: [Msg("INBOX", 1, "same"), Msg("INBOX", 2, "same")],
            destination: [Msg("INBOX", 11, "same", "Flagged"), Msg("INBOX", 12, "same"), Msg("INBOX", 13, "new mail")],
            ledger: []);

        var comparison = MailboxComparer.Compare(read, content: true);

        Assert.Equal([IssueKind.AttributesDiffer, IssueKind.Extra], comparison.Issues.Select(i => i.Kind).Order());
        var date = CopiedAt.AddHours(-10).ToUnixTimeSeconds();
        Assert.Equal($"old [Seen |  | {date}], new [Flagged Seen |  | {date}]", comparison.Of(IssueKind.AttributesDiffer).Single().Detail);
        Assert.True(comparison.Counts[0].Passed);
    }

    private static AccountRead Read(IReadOnlyList<MessageFacts> source, IReadOnlyList<MessageFacts> destination, IReadOnlyList<LedgerEntry> ledger)
    {
        static FolderContent Folder(string name, IEnumerable<MessageFacts> messages, uint validity) =>
            new(name, true, validity, [.. messages.Select(m => new MessageRef(m.SourceId, m.Uid))], [.. messages]);

        var map = new FolderMap([new FolderRoute("INBOX", "INBOX", RouteReason.Inbox)], [], []);
        var destinationFolders = destination.GroupBy(m => m.Folder).ToDictionary(g => g.Key, g => Folder(g.Key, g, 7));
        destinationFolders.TryAdd("INBOX", Folder("INBOX", [], 7));
        return new AccountRead(FakeConnector.Account("a@acme.test"), false, map,
            new Dictionary<string, FolderContent> { ["INBOX"] = Folder("INBOX", source, 3) }, destinationFolders, ledger);
    }

    private static MessageFacts Msg(string folder, uint uid, string body, params string[] extraFlags)
    {
        var bytes = Encoding.ASCII.GetBytes($"Subject: {body}\r\n\r\n{body}\r\n");
        return new MessageFacts
        {
            Folder = folder,
            SourceId = uid.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Uid = uid,
            Size = bytes.Length,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)),
            Flags = ["Seen", .. extraFlags],
            InternalDate = CopiedAt.AddHours(-10),
            Head = new HeaderFacts(bytes[..^(body.Length + 4)], bytes.Length),
        };
    }

    private static LedgerEntry Entry(uint sourceUid, uint destinationUid) => new()
    {
        Account = "a@acme.test", SourceFolder = "INBOX", SourceUidValidity = 3, SourceId = sourceUid.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Identity = "x", Size = 1, DestinationFolder = "INBOX", DestinationUidValidity = 7, DestinationUid = destinationUid, How = LedgerHow.Copied,
        StepId = "migrate", At = CopiedAt,
    };
}
