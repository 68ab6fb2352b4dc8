using Runbook.Adapters.Mail;
using Runbook.Adapters.Mail.Imap;
using Runbook.Tests.Support;
using static Runbook.Tests.Adapters.Mail.MailLabMessages;

namespace Runbook.Tests.Adapters.Mail.Imap;

/// <summary>
/// Where the server offers LIST-STATUS (RFC 5819), the folder listing brings every folder's status, and a pass asks
/// STATUS only for what the listing did not answer, a folder asked twice, or a folder written to since: through the
/// real IMAP source and destination and a scripted server.
/// </summary>
public sealed class ListStatusTests
{
    private const string Caps = "IMAP4rev1 LITERAL+ UIDPLUS MULTIAPPEND NAMESPACE CONDSTORE AUTH=PLAIN SASL-IR";
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Given_LIST_STATUS_When_the_source_lists_Then_the_first_status_of_a_folder_comes_from_the_listing_and_the_second_from_STATUS()
    {
        await using var server = Server(Caps + " LIST-STATUS");
        await using var source = await ImapMailSource.ConnectAsync(server.Endpoint("old"), new MailLogin("u", "p"), None);

        await source.ListFoldersAsync(None);
        var listed = await source.GetFolderStatusAsync("Archive", None);
        Assert.Empty(server.Commands("STATUS"));
        var asked = await source.GetFolderStatusAsync("Archive", None);

        Assert.Equal(new FolderStatus(7, 3, 2, 41), listed);
        Assert.Equal(new FolderStatus(7, 4, 3, 42), asked);
        Assert.Contains(" RETURN (STATUS (", Assert.Single(Listings(server)), StringComparison.Ordinal);
        Assert.Single(server.Commands("STATUS"));
    }

    [Fact]
    public async Task Given_no_LIST_STATUS_When_the_source_lists_Then_each_status_is_a_STATUS()
    {
        await using var server = Server(Caps);
        await using var source = await ImapMailSource.ConnectAsync(server.Endpoint("old"), new MailLogin("u", "p"), None);

        await source.ListFoldersAsync(None);
        var status = await source.GetFolderStatusAsync("Archive", None);

        Assert.Equal(new FolderStatus(7, 4, 3, 42), status);
        Assert.DoesNotContain("STATUS", Assert.Single(Listings(server)), StringComparison.Ordinal);
        Assert.Single(server.Commands("STATUS"));
    }

    [Fact]
    public async Task Given_LIST_STATUS_When_the_destination_appends_to_a_listed_folder_Then_its_status_is_asked_again()
    {
        await using var server = Server(Caps + " LIST-STATUS");
        await using var destination = await ImapMailDestination.ConnectAsync(server.Endpoint("new"), new MailLogin("u", "p"), None);

        await destination.ListFoldersAsync(None);
        await destination.AppendAsync("Archive", [Item(Crlf("one more"))], None);
        var after = await destination.GetStatusAsync("Archive", None);

        Assert.Equal(new FolderStatus(7, 4, 3, null), after);
        Assert.Single(server.Commands("STATUS"));
    }

    [Fact]
    public async Task Given_LIST_STATUS_When_a_folder_was_opened_before_the_listing_Then_the_listing_takes_no_statuses()
    {
        // MailKit keeps what an EXAMINE said; a listing that brought no status for that folder would hand it out as new.
        await using var server = Server(Caps + " LIST-STATUS");
        await using var source = await ImapMailSource.ConnectAsync(server.Endpoint("old"), new MailLogin("u", "p"), None);

        await source.IndexAsync("Archive", None);
        await source.ListFoldersAsync(None);
        var status = await source.GetFolderStatusAsync("Archive", None);

        Assert.DoesNotContain("STATUS", Assert.Single(Listings(server)), StringComparison.Ordinal);
        Assert.Equal(new FolderStatus(7, 4, 3, 42), status);
        Assert.Single(server.Commands("STATUS"));
    }

    [Fact]
    public async Task Given_LIST_STATUS_When_the_source_lists_a_second_time_Then_only_the_first_listing_takes_statuses()
    {
        await using var server = Server(Caps + " LIST-STATUS");
        await using var source = await ImapMailSource.ConnectAsync(server.Endpoint("old"), new MailLogin("u", "p"), None);

        await source.ListFoldersAsync(None);
        await source.ListFoldersAsync(None);
        var status = await source.GetFolderStatusAsync("Archive", None);

        Assert.Equal([true, false], Listings(server).Select(l => l.Contains("STATUS", StringComparison.Ordinal)));
        Assert.Equal(new FolderStatus(7, 4, 3, 42), status);
    }

    /// <summary>The folder listings (MailKit also looks INBOX up at login, with LIST "" "INBOX").</summary>
    private static List<string> Listings(ScriptedImapServer server) => [.. server.Commands("LIST").Where(c => c.Contains("\"*\"", StringComparison.Ordinal))];

    /// <summary>The listing's status says 2 messages; a STATUS asked later says 3 (one arrived meanwhile).</summary>
    private static ScriptedImapServer Server(string capabilities) => new(capabilities, c => c.Verb switch
    {
        "NAMESPACE" => ["* NAMESPACE ((\"\" \"/\")) NIL NIL", "TAG OK Completed"],
        "LIST" when c.Text.Contains("\"\" \"\"", StringComparison.Ordinal) => ["* LIST (\\Noselect) \"/\" \"\"", "TAG OK Completed"],
        "LIST" when c.Text.Contains("STATUS", StringComparison.Ordinal) =>
        [
            "* LIST (\\HasNoChildren) \"/\" Archive",
            c.Text.Contains("HIGHESTMODSEQ", StringComparison.Ordinal)
                ? "* STATUS Archive (MESSAGES 2 UIDNEXT 3 UIDVALIDITY 7 HIGHESTMODSEQ 41)"
                : "* STATUS Archive (MESSAGES 2 UIDNEXT 3 UIDVALIDITY 7)",
            "TAG OK Completed",
        ],
        "LIST" => ["* LIST (\\HasNoChildren) \"/\" Archive", "TAG OK Completed"],
        "STATUS" => ["* STATUS Archive (MESSAGES 3 UIDNEXT 4 UIDVALIDITY 7 HIGHESTMODSEQ 42)", "TAG OK Completed"],
        "APPEND" => ["TAG OK [APPENDUID 7 3] Append completed"],
        "EXAMINE" => ["* 2 EXISTS", "* OK [UIDVALIDITY 7] UIDs valid", "* OK [UIDNEXT 3] Predicted next UID", "TAG OK [READ-ONLY] Examined"],
        _ => ["TAG OK Completed"],
    });
}
