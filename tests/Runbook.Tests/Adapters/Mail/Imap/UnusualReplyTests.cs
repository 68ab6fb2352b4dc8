using Runbook.Adapters.Mail;
using Runbook.Adapters.Mail.Imap;
using Runbook.Tests.Support;

namespace Runbook.Tests.Adapters.Mail.Imap;

/// <summary>
/// Valid but unusual replies, as Cyrus sends them, through the real IMAP destination and preflight's probe
/// (<c>probe</c>) and a scripted server: each is read as what it is, and the connection is still usable afterwards
/// (MailKit 4.18 would drop it on "()").
/// </summary>
public sealed class UnusualReplyTests
{
    private const string Caps = "IMAP4rev1 LITERAL+ MULTIAPPEND UIDPLUS QUOTA ID NAMESPACE SPECIAL-USE AUTH=PLAIN SASL-IR";
    private static readonly CancellationToken None = CancellationToken.None;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Given_an_empty_quota_resource_list_When_reading_the_quota_Then_no_limit_and_the_connection_still_lists_folders(bool probe)
    {
        await using var server = Server(quota: "* QUOTA INBOX ()");
        await using var destination = await ConnectAsync(server, probe);

        var quota = await destination.GetQuotaAsync(None);
        var folders = await destination.ListFoldersAsync(None);

        Assert.NotNull(quota);
        Assert.Null(quota.StorageLimitBytes);
        Assert.Null(quota.Unreadable);
        Assert.Contains(folders, f => f.FullName == "Sent");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Given_resources_Runbook_does_not_know_When_reading_the_quota_Then_they_are_kept_to_show(bool probe)
    {
        await using var server = Server(quota: "* QUOTA INBOX (STORAGE 10 2048 MESSAGE 1 500 X-NUM-FOLDERS 5 100 X-ANNOTATION-STORAGE 0 64)");
        await using var destination = await ConnectAsync(server, probe);

        var quota = (await destination.GetQuotaAsync(None))!;

        Assert.Equal((2048 * 1024L, 10 * 1024L, 500L, 1L), (quota.StorageLimitBytes!.Value, quota.StorageUsedBytes, quota.MessageLimit!.Value, quota.MessagesUsed!.Value));
        Assert.Equal(["X-NUM-FOLDERS", "X-ANNOTATION-STORAGE"], quota.Others.Select(o => o.Name));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Given_a_quota_reply_that_cannot_be_parsed_When_reading_it_Then_unknown_with_the_reply_and_the_connection_still_usable(bool probe)
    {
        await using var server = Server(quota: "* QUOTA INBOX (STORAGE lots)");
        await using var destination = await ConnectAsync(server, probe);

        var quota = (await destination.GetQuotaAsync(None))!;
        var folders = await destination.ListFoldersAsync(None);

        Assert.Equal("the server's quota reply could not be read: * QUOTA INBOX (STORAGE lots)", quota.Unreadable);
        Assert.NotEmpty(folders);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Given_a_refused_GETQUOTAROOT_When_reading_the_quota_Then_unknown_not_an_error(bool probe)
    {
        await using var server = Server(quota: null);
        await using var destination = await ConnectAsync(server, probe);

        var quota = (await destination.GetQuotaAsync(None))!;

        Assert.Equal("the server refused GETQUOTAROOT INBOX (Permission denied)", quota.Unreadable);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Given_special_use_attributes_in_lower_and_upper_case_When_listing_Then_they_map_like_the_canonical_ones(bool probe)
    {
        await using var server = Server(quota: "* QUOTA INBOX ()");
        await using var destination = await ConnectAsync(server, probe);

        var folders = await destination.ListFoldersAsync(None);

        Assert.Equal(
            [("INBOX", null), ("Drafts", "Drafts"), ("Junk", "Junk"), ("Sent", "Sent"), ("Trash", "Trash")],
            folders.Select(f => (f.FullName, f.SpecialUse)));
    }

    [Theory]
    [InlineData(false, "* ID (\"name\" \"Cyrus IMAPD\" \"version\" \"3.6.1-Debian-3.6.1-4+deb12u5\")", "Cyrus IMAPD 3.6.1-Debian-3.6.1-4+deb12u5", null)]
    [InlineData(true, "* ID (\"name\" \"Cyrus IMAPD\" \"version\" \"3.6.1-Debian-3.6.1-4+deb12u5\")", "Cyrus IMAPD 3.6.1-Debian-3.6.1-4+deb12u5", null)]
    [InlineData(false, "* ID (\"name\" \"x\" garbage", null, "the server's ID reply could not be read: * ID (\"name\" \"x\" garbage")]
    [InlineData(true, "* ID (\"name\" \"x\" garbage", null, "the server's ID reply could not be read: * ID (\"name\" \"x\" garbage")]
    public async Task Given_an_ID_reply_When_identifying_the_server_Then_its_software_or_why_not_and_the_connection_still_usable(bool probe, string id, string? software, string? unreadable)
    {
        await using var server = Server(quota: "* QUOTA INBOX ()", id: id);
        await using var destination = await ConnectAsync(server, probe);

        var identity = await destination.IdentifyAsync(None);
        var folders = await destination.ListFoldersAsync(None);

        Assert.Equal(new ServerIdentity(software, unreadable), identity);
        Assert.NotEmpty(folders);
    }

    private static ScriptedImapServer Server(string? quota, string id = "* ID NIL") => new(Caps, c => c.Verb switch
    {
        "NAMESPACE" => ["* NAMESPACE ((\"\" \"/\")) ((\"Other Users/\" \"/\")) ((\"Shared Folders/\" \"/\"))", "TAG OK Completed"],
        "LIST" when c.Text.Contains("\"\" \"\"", StringComparison.Ordinal) => ["* LIST (\\Noselect) \"/\" \"\"", "TAG OK Completed"],
        "LIST" =>
        [
            "* LIST (\\HasNoChildren) \"/\" INBOX", "* LIST (\\HasNoChildren \\DRAFTS) \"/\" Drafts", "* LIST (\\HasNoChildren \\junk) \"/\" Junk",
            "* LIST (\\HasNoChildren \\sent) \"/\" Sent", "* LIST (\\HasNoChildren \\Trash) \"/\" Trash", "TAG OK Completed",
        ],
        "GETQUOTAROOT" => quota is null ? ["TAG NO Permission denied"] : ["* QUOTAROOT INBOX INBOX", quota, "TAG OK Completed"],
        "ID" => [id, "TAG OK Completed"],
        _ => ["TAG OK Completed"],
    });

    private static async Task<IDestinationProbe> ConnectAsync(ScriptedImapServer server, bool probe) =>
        probe
            ? await ImapDestinationProbe.ConnectAsync(server.Endpoint("new"), new MailLogin("u", "p"), None)
            : await ImapMailDestination.ConnectAsync(server.Endpoint("new"), new MailLogin("u", "p"), None);
}
