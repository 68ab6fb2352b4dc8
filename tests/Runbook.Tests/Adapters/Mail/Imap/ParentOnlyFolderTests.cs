using Runbook.Adapters.Mail;
using Runbook.Adapters.Mail.Imap;
using Runbook.Errors;
using Runbook.Tests.Support;

namespace Runbook.Tests.Adapters.Mail.Imap;

/// <summary>
/// A folder the new server lists only as a parent (\Noselect) is not taken as there: the destination creates it; a
/// server that refuses may keep it as the parent on the way to another folder, but a copy into it fails saying why.
/// </summary>
public sealed class ParentOnlyFolderTests
{
    private const string Caps = "IMAP4rev1 LITERAL+ UIDPLUS MULTIAPPEND NAMESPACE LIST-EXTENDED SPECIAL-USE AUTH=PLAIN SASL-IR";
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Given_a_Noselect_parent_that_cannot_be_created_When_a_folder_below_it_is_ensured_Then_it_is_created_beneath()
    {
        await using var server = Server();
        await using var destination = await ImapMailDestination.ConnectAsync(server.Endpoint("new"), new MailLogin("u", "p"), None);
        await destination.ListFoldersAsync(None);

        await destination.EnsureFolderAsync("Parent/Child", None);

        Assert.Equal(["CREATE \"Parent\"", "CREATE \"Parent/Child\""], server.Commands("CREATE"));
    }

    [Fact]
    public async Task Given_a_Noselect_folder_that_cannot_be_created_When_it_is_ensured_to_copy_into_Then_the_error_says_it_holds_no_messages()
    {
        await using var server = Server();
        await using var destination = await ImapMailDestination.ConnectAsync(server.Endpoint("new"), new MailLogin("u", "p"), None);
        await destination.ListFoldersAsync(None);

        var error = await Assert.ThrowsAsync<StepFailedException>(() => destination.EnsureFolderAsync("Parent", None));

        Assert.Equal(["CREATE \"Parent\""], server.Commands("CREATE"));
        Assert.Contains("refused creating folder Parent (it is there only as a parent of other folders and cannot hold messages", error.Message, StringComparison.Ordinal);
    }

    /// <summary>"Parent" exists only as the parent of "Parent/Old"; creating it is refused, creating anything else is not.</summary>
    private static ScriptedImapServer Server() => new(Caps, c => c.Verb switch
    {
        "NAMESPACE" => ["* NAMESPACE ((\"\" \"/\")) NIL NIL", "TAG OK Completed"],
        "LIST" when c.Text.Contains("\"\" \"\"", StringComparison.Ordinal) => ["* LIST (\\Noselect) \"/\" \"\"", "TAG OK Completed"],
        "LIST" when c.Text.Contains("\"*\"", StringComparison.Ordinal) =>
            ["* LIST (\\HasNoChildren) \"/\" INBOX", "* LIST (\\Noselect \\HasChildren) \"/\" Parent", "* LIST (\\HasNoChildren) \"/\" Parent/Old", "TAG OK Completed"],
        "LIST" when c.Text.EndsWith("\"Parent\"", StringComparison.Ordinal) => ["* LIST (\\Noselect \\HasChildren) \"/\" Parent", "TAG OK Completed"],
        "LIST" => ["TAG OK Completed"],
        "CREATE" when c.Text == "CREATE \"Parent\"" => ["TAG NO [ALREADYEXISTS] Mailbox already exists"],
        _ => ["TAG OK Completed"],
    });
}
