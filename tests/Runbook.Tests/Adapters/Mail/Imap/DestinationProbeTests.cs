using Runbook.Adapters.Mail;
using Runbook.Adapters.Mail.Imap;
using Runbook.Tests.Support;

namespace Runbook.Tests.Adapters.Mail.Imap;

/// <summary>Preflight's probe over a scripted server: one login for all its questions, and a listing it cannot read raw asked again through MailKit.</summary>
public sealed class DestinationProbeTests
{
    private const string Caps = "IMAP4rev1 LITERAL+ MULTIAPPEND UIDPLUS QUOTA ID NAMESPACE SPECIAL-USE LIST-EXTENDED APPENDLIMIT=1048576 AUTH=PLAIN SASL-IR";
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Given_preflights_questions_When_asked_Then_one_login_answers_them_all()
    {
        await using var server = Server(literal: false);
        await using (var probe = await ConnectAsync(server))
        {
            Assert.Equal(new DestinationCapabilities(true, true, true, true, 1048576, true), probe.Capabilities);
            Assert.Equal(new MailNamespace("", '/'), await probe.GetNamespaceAsync(None));
            Assert.Equal(
                [new SourceFolder("INBOX", '/', true, null), new SourceFolder("Cartório", '/', false, null), new SourceFolder("Cartório/2024", '/', true, "Archive")],
                await probe.ListFoldersAsync(None));
            Assert.Equal(1024L * 1024, (await probe.GetQuotaAsync(None))?.StorageLimitBytes);
            Assert.Equal("Fake 1", (await probe.IdentifyAsync(None))?.Software);
        }

        Assert.Equal(1, Logins(server));
        Assert.Contains(server.Received, c => c.Text == "LIST \"\" \"*\" RETURN (SPECIAL-USE)");
    }

    [Fact]
    public async Task Given_a_folder_name_sent_as_a_literal_When_listing_Then_the_listing_comes_from_MailKit_with_that_name()
    {
        await using var server = Server(literal: true);
        await using var probe = await ConnectAsync(server);

        var folders = await probe.ListFoldersAsync(None);

        Assert.Contains(folders, f => f.FullName == "Say \"hi\"");
        Assert.Equal(2, Logins(server));
    }

    [Fact]
    public async Task Given_a_server_that_names_its_capabilities_in_the_greeting_and_the_login_reply_When_probed_Then_it_is_not_asked_for_them()
    {
        await using var server = new ScriptedImapServer(Caps, _ => ["TAG OK Completed"]) { NamesCapabilities = true };
        await using (var probe = await ConnectAsync(server))
        {
            Assert.Equal(new DestinationCapabilities(true, true, true, true, 1048576, true), probe.Capabilities);
        }

        Assert.Equal(["AUTHENTICATE", "LOGOUT"], server.Received.Select(c => c.Verb));
    }

    [Fact]
    public async Task Given_a_server_without_NAMESPACE_When_asked_Then_the_root_with_the_separator_LIST_names()
    {
        await using var server = new ScriptedImapServer("IMAP4rev1 AUTH=PLAIN SASL-IR", c =>
            c.Verb == "LIST" ? ["* LIST (\\Noselect) \".\" \"\"", "TAG OK Completed"] : ["TAG OK Completed"]);
        await using var probe = await ConnectAsync(server);

        Assert.Equal(new MailNamespace("", '.'), await probe.GetNamespaceAsync(None));
        Assert.DoesNotContain(server.Received, c => c.Verb == "NAMESPACE");
    }

    private static int Logins(ScriptedImapServer server)
    {
        lock (server.Received) return server.Received.Count(c => c.Verb == "AUTHENTICATE");
    }

    private static ScriptedImapServer Server(bool literal) => new(Caps, c => c.Verb switch
    {
        "NAMESPACE" => ["* NAMESPACE ((\"\" \"/\")) NIL NIL", "TAG OK Completed"],
        "LIST" when c.Text.Contains("\"\" \"\"", StringComparison.Ordinal) => ["* LIST (\\Noselect) \"/\" \"\"", "TAG OK Completed"],
        "LIST" when c.Text.Contains("INBOX", StringComparison.Ordinal) => ["* LIST (\\HasNoChildren) \"/\" INBOX", "TAG OK Completed"],
        "LIST" =>
        [
            "* LIST (\\HasNoChildren) \"/\" inbox", "* LIST (\\NoSelect \\HasChildren) \"/\" \"Cart&APM-rio\"",
            "* LIST (\\HasNoChildren \\archive) \"/\" Cart&APM-rio/2024",
            .. literal ? (string[])["* LIST (\\HasNoChildren) \"/\" {8}", "Say \"hi\""] : [],
            "TAG OK Completed",
        ],
        "GETQUOTAROOT" => ["* QUOTAROOT INBOX INBOX", "* QUOTA INBOX (STORAGE 10 1024)", "TAG OK Completed"],
        "ID" => ["* ID (\"name\" \"Fake\" \"version\" \"1\")", "TAG OK Completed"],
        _ => ["TAG OK Completed"],
    });

    private static Task<ImapDestinationProbe> ConnectAsync(ScriptedImapServer server) =>
        ImapDestinationProbe.ConnectAsync(server.Endpoint("new"), new MailLogin("u", "p"), None);
}
