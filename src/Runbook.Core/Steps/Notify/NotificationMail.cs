using System.Text;
using MimeKit;

namespace Runbook.Steps.Notify;

/// <summary>
/// Builds the MIME message. Bodies are UTF-8 in base64 when they are not plain ASCII (quoted-printable would triple
/// Japanese text); MimeKit writes non-ASCII subjects and display names as RFC 2047 UTF-8 encoded words.
/// </summary>
internal static class NotificationMail
{
    /// <summary><paramref name="now"/> carries the plan's offset, so the Date header reads as local time.</summary>
    public static MimeMessage Build(RenderedNotification rendered, string from, IReadOnlyList<string> to, DateTimeOffset now)
    {
        var message = new MimeMessage { Subject = rendered.Subject, Date = now };
        message.From.Add(new MailboxAddress(Encoding.UTF8, rendered.FromName ?? "", from));
        foreach (var address in to)
        {
            message.To.Add(MailboxAddress.Parse(address));
        }

        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId(from.Split('@')[^1]);
        var ascii = rendered.Body.All(char.IsAscii);
        var part = new TextPart("plain") { ContentTransferEncoding = ascii ? ContentEncoding.SevenBit : ContentEncoding.Base64 };
        part.SetText(Encoding.UTF8, rendered.Body.ReplaceLineEndings("\r\n"));
        message.Body = part;
        return message;
    }
}
