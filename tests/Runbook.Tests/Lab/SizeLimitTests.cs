using MailKit;
using MailKit.Net.Imap;
using MimeKit;

namespace Runbook.Tests.Lab;

[Collection("lab")]
public sealed class SizeLimitTests(LabFixture fixture)
{
    private static MimeMessage MessageOf(int bytes) =>
        new([MailboxAddress.Parse("a@example.com")], [MailboxAddress.Parse("b@example.com")], "big",
            new TextPart("plain") { Text = string.Concat(Enumerable.Repeat(new string('x', 76) + "\r\n", bytes / 78)) });

    [Fact]
    public async Task Given_small_prefixed_user_on_new_server_When_appending_message_over_its_cap_Then_refused_with_LIMIT()
    {
        var lab = fixture.Lab;
        var token = LabClients.Timeout();
        using var client = await LabClients.ImapAsync(lab.New.Imap, lab.NewAccount(lab.New.SizeLimit.SmallUserPrefix.TrimEnd('-')), lab.Password, token);
        using var message = MessageOf((int)lab.New.SizeLimit.SmallUserMaxMessageBytes + 100_000);

        var refused = await Assert.ThrowsAsync<ImapCommandException>(() => client.Inbox!.AppendAsync(message, MessageFlags.None, token));

        // Dovecot answers NO [LIMIT] "Mail size is larger than the maximum size ..."; MailKit keeps the text.
        Assert.Contains("maximum size", refused.ResponseText, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Given_ordinary_user_on_new_server_When_appending_same_message_Then_stored()
    {
        var lab = fixture.Lab;
        var token = LabClients.Timeout();
        using var client = await LabClients.ImapAsync(lab.New.Imap, lab.NewAccount(), lab.Password, token);
        using var message = MessageOf((int)lab.New.SizeLimit.SmallUserMaxMessageBytes + 100_000);

        var uid = await client.Inbox!.AppendAsync(message, MessageFlags.None, token);

        Assert.NotNull(uid);
    }
}
