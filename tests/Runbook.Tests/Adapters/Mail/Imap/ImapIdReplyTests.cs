using Runbook.Adapters.Mail;
using Runbook.Adapters.Mail.Imap;

namespace Runbook.Tests.Adapters.Mail.Imap;

public sealed class ImapIdReplyTests
{
    [Theory]
    [InlineData("* ID (\"name\" \"Cyrus IMAPD\" \"version\" \"3.6.1-Debian-3.6.1-4+deb12u5\" \"vendor\" \"Project Cyrus\" \"os\" \"Linux\")", "Cyrus IMAPD 3.6.1-Debian-3.6.1-4+deb12u5")]
    [InlineData("* ID (\"name\" \"Dovecot\")", "Dovecot")]
    [InlineData("* ID (\"NAME\" \"x\" \"version\" NIL)", "x")]
    [InlineData("* ID NIL", null)]
    [InlineData("* ID (\"vendor\" \"nobody\")", null)]
    public void Given_an_ID_reply_When_parsed_Then_name_and_version(string line, string? software) =>
        Assert.Equal(new ServerIdentity(software), ImapIdReply.Parse([line]));

    [Theory]
    [InlineData("* ID (\"name\" \"x\" garbage")]
    [InlineData("* ID (\"name\")")]
    [InlineData("* ID (name \"x\")")]
    public void Given_an_ID_reply_that_cannot_be_read_When_parsed_Then_it_says_so_and_names_no_software(string line)
    {
        var identity = ImapIdReply.Parse([line]);

        Assert.Null(identity.Software);
        Assert.Equal($"the server's ID reply could not be read: {line}", identity.Unreadable);
    }
}
