using System.Text;
using MimeKit;
using Runbook.Steps.Notify;

namespace Runbook.Tests.Steps.Notify;

public sealed class NotificationMailTests
{
    private static readonly RenderedNotification Japanese = new("【新しいメール設定のご案内】alice@acme.test", "メール移行担当（acme）", "メールボックスは新しいサーバーへ移行されました。\n");

    [Fact]
    public void Given_japanese_text_When_built_Then_subject_and_name_are_rfc2047_utf8_and_body_is_utf8_base64()
    {
        var raw = Raw(NotificationMail.Build(Japanese, "ops@acme.test", ["alice@acme.test"], DateTimeOffset.UnixEpoch));

        var headers = raw[..raw.IndexOf("\r\n\r\n", StringComparison.Ordinal)];
        Assert.True(headers.All(char.IsAscii), "headers must be 7-bit");
        Assert.Matches(@"(?m)^Subject: =\?utf-8\?b\?", headers);
        Assert.Matches(@"(?m)^From: =\?utf-8\?b\?.*<ops@acme\.test>", headers);
        Assert.Contains("Content-Type: text/plain; charset=utf-8", headers, StringComparison.Ordinal);
        Assert.Contains("Content-Transfer-Encoding: base64", headers, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_built_message_When_parsed_back_Then_subject_name_and_body_decode_to_the_rendered_text()
    {
        var raw = Raw(NotificationMail.Build(Japanese, "ops@acme.test", ["alice@acme.test"], DateTimeOffset.UnixEpoch));

        var parsed = MimeMessage.Load(new MemoryStream(Encoding.ASCII.GetBytes(raw)));

        Assert.Equal(Japanese.Subject, parsed.Subject);
        Assert.Equal(Japanese.FromName, parsed.From.Mailboxes.Single().Name);
        Assert.Equal(Japanese.Body, parsed.TextBody!.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Given_ascii_text_When_built_Then_body_stays_readable_7bit()
    {
        var raw = Raw(NotificationMail.Build(new RenderedNotification("Mail move", "Runbook", "Hello\n"), "ops@acme.test", ["a@acme.test"], DateTimeOffset.UnixEpoch));

        Assert.Contains("Subject: Mail move\r\n", raw, StringComparison.Ordinal);
        Assert.Contains("\r\n\r\nHello\r\n", raw, StringComparison.Ordinal);
    }

    private static string Raw(MimeMessage message)
    {
        using var stream = new MemoryStream();
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        message.WriteTo(options, stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
