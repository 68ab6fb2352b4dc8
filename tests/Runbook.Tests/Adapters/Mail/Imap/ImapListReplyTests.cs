using Runbook.Adapters.Mail;
using Runbook.Adapters.Mail.Imap;

namespace Runbook.Tests.Adapters.Mail.Imap;

/// <summary>NAMESPACE and LIST lines read raw, as MailKit reads them; what cannot be read here is null, never a guess.</summary>
public sealed class ImapListReplyTests
{
    [Theory]
    [InlineData("* NAMESPACE ((\"\" \"/\")) NIL NIL", "", '/')]
    [InlineData("* NAMESPACE ((\"INBOX.\" \".\")) NIL ((\"#shared.\" \".\"))", "INBOX", '.')]
    [InlineData("* NAMESPACE ((\"Cart&APM-rio/\" \"/\" \"X-PARAM\" (\"a\"))) NIL NIL", "Cartório", '/')]
    public void Given_a_personal_namespace_When_read_Then_prefix_without_its_trailing_separator(string line, string prefix, char separator) =>
        Assert.Equal(new MailNamespace(prefix, separator), ImapListReply.PersonalNamespace([line]));

    [Theory]
    [InlineData("* NAMESPACE NIL NIL ((\"\" \"/\"))")]
    [InlineData("* NAMESPACE ((\"\" \"/\")")]
    public void Given_no_personal_namespace_or_a_broken_reply_When_read_Then_null(string line) =>
        Assert.Null(ImapListReply.PersonalNamespace([line]));

    [Theory]
    [InlineData("* LIST (\\HasNoChildren) \".\" INBOX.Sent", "INBOX.Sent", '.', true, null)]
    [InlineData("* LIST () NIL Flat", "Flat", '\0', true, null)]
    [InlineData("* LIST (\\NonExistent \\HasChildren) \"/\" \"Old (2019)\"", "Old (2019)", '/', false, null)]
    [InlineData("* LIST (\\HasNoChildren \\Junk \\Flagged) \"/\" Spam", "Spam", '/', true, "Junk")]
    [InlineData("* LIST (\\Marked) \"\\\\\" \"Back\\\\slash\"", "Back\\slash", '\\', true, null)]
    public void Given_a_list_line_When_read_Then_the_folder_as_MailKit_lists_it(string line, string name, char separator, bool selectable, string? specialUse) =>
        Assert.Equal(new SourceFolder(name, separator, selectable, specialUse), ImapListReply.Folder(line));

    [Theory]
    [InlineData("* LIST (\\Noselect) \".\" \"\"", '.')]
    [InlineData("* LIST (\\Noselect) \"/\" \"\"", '/')]
    [InlineData("* LIST () NIL \"\"", '\0')]
    public void Given_the_reply_to_LIST_of_the_root_When_read_Then_its_separator(string line, char separator) =>
        Assert.Equal(separator, ImapListReply.Separator(line));

    [Theory]
    [InlineData("* LIST (\\HasNoChildren) \"/\" \"\"")] // a literal name, as the raw reader passes it on
    [InlineData("* LIST (\\HasNoChildren) \"/\" Bad&AB")] // modified UTF-7 that does not decode
    [InlineData("* LIST \\HasNoChildren \"/\" Sent")]
    [InlineData("* LIST (\\HasNoChildren) \"//\" Sent")]
    public void Given_a_list_line_that_cannot_be_read_here_When_read_Then_null(string line) =>
        Assert.Null(ImapListReply.Folder(line));

    [Theory]
    [InlineData("* STATUS Archive (MESSAGES 2 UIDNEXT 3 UIDVALIDITY 7)", "Archive", 7u, 3u, 2)]
    [InlineData("* STATUS \"Cart&APM-rio/2024\" (UIDVALIDITY 1700000000 UIDNEXT 1 MESSAGES 0 HIGHESTMODSEQ 9)", "Cartório/2024", 1700000000u, 1u, 0)]
    [InlineData("* STATUS inbox (UIDVALIDITY 5 UIDNEXT 12 MESSAGES 11)", "INBOX", 5u, 12u, 11)]
    [InlineData("* STATUS \"\" (UIDVALIDITY 5 UIDNEXT 12 MESSAGES 11)", null, 5u, 12u, 11)] // a literal name: the status, no name
    public void Given_a_status_line_When_read_Then_the_folder_and_its_status(string line, string? name, uint validity, uint next, int messages) =>
        Assert.Equal((name, new FolderStatus(validity, next, messages, null)), ImapListReply.Status(line));

    [Theory]
    [InlineData("* STATUS Archive (MESSAGES 2 UIDNEXT 3)")]
    [InlineData("* STATUS Archive (MESSAGES 2 UIDNEXT 3 UIDVALIDITY x)")]
    [InlineData("* STATUS Archive MESSAGES 2 UIDNEXT 3 UIDVALIDITY 7")]
    [InlineData("* LIST (\\HasNoChildren) \"/\" Archive")]
    public void Given_a_status_line_lacking_an_item_or_not_a_status_When_read_Then_null(string line) =>
        Assert.Null(ImapListReply.Status(line));
}
