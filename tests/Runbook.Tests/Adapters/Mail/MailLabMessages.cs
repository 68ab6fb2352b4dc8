using System.Security.Cryptography;
using System.Text;
using Runbook.Adapters.Mail;
using Runbook.Adapters.Mail.Imap;
using Runbook.Adapters.Mail.Raw;

namespace Runbook.Tests.Adapters.Mail;

/// <summary>Awkward real-world messages and helpers to seed and read them on the lab's servers.</summary>
internal static class MailLabMessages
{
    public static byte[] Crlf(string subject, string? messageId = null) => Encoding.ASCII.GetBytes(
        (messageId is null ? "" : $"Message-ID: <{messageId}>\r\n") +
        $"From: a@old.test\r\nTo: b@old.test\r\nSubject: {subject}\r\nDate: Tue, 02 Jan 2024 03:04:05 +0900\r\n\r\nbody of {subject}\r\n");

    public static byte[] NoFinalNewline => "Message-ID: <nofinal@x>\r\nSubject: no final newline\r\n\r\nlast line without CRLF"u8.ToArray();
    public static byte[] BareLf => "Message-ID: <barelf@x>\nSubject: bare LF\n\nline one\nline two\n"u8.ToArray();
    public static byte[] LeadingFrom => "From sender@old.test Tue Jan  2 03:04:05 2024\r\nMessage-ID: <from@x>\r\nSubject: mbox From line\r\n\r\n>From quoted\r\n"u8.ToArray();
    public static byte[] Bom => [0xEF, 0xBB, 0xBF, .. "Message-ID: <bom@x>\r\nSubject: BOM\r\n\r\nbody\r\n"u8];
    public static byte[] DotLines => "Message-ID: <dots@x>\r\nSubject: dots\r\n\r\n.\r\n..\r\n.leading dot\r\n"u8.ToArray();

    public static AppendItem Item(byte[] content, string[]? flags = null, string[]? keywords = null, DateTimeOffset? date = null) => new()
    {
        Source = new SourceMessage { SourceId = Convert.ToHexString(SHA256.HashData(content))[..12], Size = content.Length, HeaderDigest = "seed" },
        Size = content.Length,
        OpenContent = () => new MemoryStream(content, writable: false),
        Flags = flags ?? [],
        Keywords = keywords ?? [],
        InternalDate = date,
    };

    /// <summary>Puts messages on a server with the raw appender (the way the old server got its mail does not matter here).</summary>
    public static async Task SeedAsync(MailEndpoint endpoint, MailLogin login, string folderPath, IReadOnlyList<AppendItem> items)
    {
        await using var destination = await ImapMailDestination.ConnectAsync(endpoint, login, CancellationToken.None);
        if (!folderPath.Equals("INBOX", StringComparison.OrdinalIgnoreCase))
        {
            await destination.EnsureFolderAsync(folderPath, CancellationToken.None);
        }
        var results = await destination.AppendAsync(folderPath, items, CancellationToken.None);
        Assert.All(results, r => Assert.Equal(AppendStatus.Stored, r.Status));
    }

    /// <summary>BODY[] of every message of a folder, by UID, read through the IMAP source.</summary>
    public static async Task<Dictionary<uint, byte[]>> BodiesAsync(MailEndpoint endpoint, MailLogin login, string folder)
    {
        await using var source = await ImapMailSource.ConnectAsync(endpoint, login, CancellationToken.None);
        var result = new Dictionary<uint, byte[]>();
        foreach (var message in await source.ListMessagesAsync(folder, 0, CancellationToken.None))
        {
            using var bytes = new MemoryStream();
            await source.CopyRawAsync(folder, message, bytes, CancellationToken.None);
            result[message.Uid] = bytes.ToArray();
        }
        return result;
    }

    public static string Sha(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes));
}
