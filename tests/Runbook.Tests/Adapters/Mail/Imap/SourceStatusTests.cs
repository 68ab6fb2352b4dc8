using Runbook.Adapters.Mail;
using Runbook.Adapters.Mail.Imap;
using Runbook.Tests.Support;

namespace Runbook.Tests.Adapters.Mail.Imap;

/// <summary>
/// A source folder's size for preflight: one STATUS where the server offers STATUS=SIZE (RFC 8438), else EXAMINE and
/// every message's RFC822.SIZE, through the real IMAP source and a scripted server.
/// </summary>
public sealed class SourceStatusTests
{
    private const string Caps = "IMAP4rev1 LITERAL+ UIDPLUS NAMESPACE AUTH=PLAIN SASL-IR";
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Given_STATUS_SIZE_When_a_folders_status_is_read_Then_one_STATUS_gives_count_bytes_and_uidvalidity_and_nothing_is_opened()
    {
        await using var server = Server(Caps + " STATUS=SIZE");
        await using var source = await ConnectAsync(server);

        var status = await source.GetStatusAsync("Archive", None);

        Assert.Equal(("Archive", 7u, 2, 350L), (status.FullName, status.UidValidity, status.Count, status.Bytes));
        Assert.Equal(["STATUS"], Verbs(server, "STATUS", "EXAMINE", "SELECT", "FETCH"));
    }

    [Fact]
    public async Task Given_no_STATUS_SIZE_When_a_folders_status_is_read_Then_the_sizes_of_its_messages_are_added_up()
    {
        await using var server = Server(Caps);
        await using var source = await ConnectAsync(server);

        var status = await source.GetStatusAsync("Archive", None);

        Assert.Equal(("Archive", 7u, 2, 350L), (status.FullName, status.UidValidity, status.Count, status.Bytes));
        Assert.Equal(["EXAMINE", "FETCH"], Verbs(server, "STATUS", "EXAMINE", "SELECT", "FETCH"));
    }

    [Fact]
    public async Task Given_LIST_STATUS_and_STATUS_SIZE_When_preflight_lists_Then_the_sizes_come_with_the_listing_and_no_STATUS_is_sent()
    {
        await using var server = Server(Caps + " STATUS=SIZE LIST-STATUS");
        await using var source = await ConnectAsync(server);

        await source.ListFoldersWithSizesAsync(None);
        var status = await source.GetStatusAsync("Archive", None);

        Assert.Equal(("Archive", 7u, 2, 350L), (status.FullName, status.UidValidity, status.Count, status.Bytes));
        Assert.Empty(Verbs(server, "STATUS", "EXAMINE", "SELECT", "FETCH"));
    }

    [Fact]
    public async Task Given_LIST_STATUS_without_STATUS_SIZE_When_preflight_lists_Then_the_sizes_are_still_added_up()
    {
        await using var server = Server(Caps + " LIST-STATUS");
        await using var source = await ConnectAsync(server);

        await source.ListFoldersWithSizesAsync(None);
        var status = await source.GetStatusAsync("Archive", None);

        Assert.Equal(("Archive", 7u, 2, 350L), (status.FullName, status.UidValidity, status.Count, status.Bytes));
        Assert.Equal(["EXAMINE", "FETCH"], Verbs(server, "STATUS", "EXAMINE", "SELECT", "FETCH"));
    }

    private static List<string> Verbs(ScriptedImapServer server, params string[] wanted)
    {
        lock (server.Received)
        {
            return [.. server.Received.Select(c => c.Verb).Where(wanted.Contains)];
        }
    }

    private static ScriptedImapServer Server(string capabilities) => new(capabilities, c => c.Verb switch
    {
        "NAMESPACE" => ["* NAMESPACE ((\"\" \"/\")) NIL NIL", "TAG OK Completed"],
        "LIST" when c.Text.Contains("\"\" \"\"", StringComparison.Ordinal) => ["* LIST (\\Noselect) \"/\" \"\"", "TAG OK Completed"],
        "LIST" when c.Text.Contains("SIZE", StringComparison.Ordinal) =>
            ["* LIST (\\HasNoChildren) \"/\" Archive", "* STATUS Archive (UIDVALIDITY 7 MESSAGES 2 SIZE 350)", "TAG OK Completed"],
        "LIST" => ["* LIST (\\HasNoChildren) \"/\" Archive", "TAG OK Completed"],
        "STATUS" => ["* STATUS Archive (UIDVALIDITY 7 MESSAGES 2 SIZE 350)", "TAG OK Completed"],
        "EXAMINE" => ["* 2 EXISTS", "* OK [UIDVALIDITY 7] UIDs valid", "* OK [UIDNEXT 3] Predicted next UID", "TAG OK [READ-ONLY] Examined"],
        "FETCH" => ["* 1 FETCH (RFC822.SIZE 100)", "* 2 FETCH (RFC822.SIZE 250)", "TAG OK Fetch completed"],
        _ => ["TAG OK Completed"],
    });

    private static Task<ImapMailSource> ConnectAsync(ScriptedImapServer server) =>
        ImapMailSource.ConnectAsync(
            server.Endpoint("old"),
            new MailLogin("u", "p"), None);
}
