using System.Security.Cryptography;
using System.Text;
using MimeKit;

namespace Runbook.Adapters.Mail;

/// <summary>
/// The one identity both sides compute, so a message on the source and its copy on the destination agree:
/// Message-ID plus a digest of stable headers and size.
/// </summary>
internal static class MessageIdentity
{
    /// <summary>The headers fetched on both sides (IMAP <c>BODY.PEEK[HEADER.FIELDS (...)]</c>, POP3 TOP 0).</summary>
    public static readonly IReadOnlyList<HeaderId> StableHeaders =
        [HeaderId.MessageId, HeaderId.Date, HeaderId.From, HeaderId.To, HeaderId.Subject];

    public static string? MessageId(HeaderList headers)
    {
        var raw = headers[HeaderId.MessageId];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }
        var id = Collapse(raw).Trim('<', '>', ' ');
        return id.Length == 0 ? null : id;
    }

    /// <summary>SHA-256 (hex, 32 chars) over the stable headers' raw values, unfolded and whitespace-collapsed, and the size.</summary>
    public static string HeaderDigest(HeaderList headers, long size)
    {
        var text = new StringBuilder();
        foreach (var id in StableHeaders)
        {
            // The raw bytes, read as Latin-1, keep undecoded 8-bit headers stable whatever charset the server assumed.
            var header = headers.FirstOrDefault(h => h.Id == id);
            var value = header is null ? "" : Collapse(Encoding.Latin1.GetString(header.RawValue));
            text.Append(id.ToHeaderName().ToLowerInvariant()).Append(':').Append(value).Append('\n');
        }
        text.Append("size:").Append(size.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
        return Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }

    /// <summary>Parses a raw header block (as fetched) into headers; stops at the blank line.</summary>
    public static HeaderList ParseHeaders(Stream rawHeaderBlock)
    {
        using var copy = new MemoryStream();
        rawHeaderBlock.CopyTo(copy);
        var bytes = copy.GetBuffer().AsSpan(0, (int)copy.Length);
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            // An IMAP server reads "<BOM>Message-ID: ..." as a header with another name; MimeKit would skip the BOM and
            // find the Message-ID. Drop that first line so POP3 and IMAP agree on the identity (else: a duplicate).
            var newline = bytes.IndexOf((byte)'\n');
            bytes = newline < 0 ? [] : bytes[(newline + 1)..];
        }
        if (bytes.StartsWith("From "u8))
        {
            // An mbox separator line is no header on either side; MimeKit's header-only parser refuses it.
            var newline = bytes.IndexOf((byte)'\n');
            bytes = newline < 0 ? [] : bytes[(newline + 1)..];
        }
        return HeaderList.Load(new MemoryStream(bytes.ToArray(), writable: false));
    }

    private static string Collapse(string value)
    {
        var builder = new StringBuilder(value.Length);
        var space = false;
        foreach (var c in value)
        {
            if (c is ' ' or '\t' or '\r' or '\n')
            {
                space = builder.Length > 0;
                continue;
            }
            if (space)
            {
                builder.Append(' ');
                space = false;
            }
            builder.Append(c);
        }
        return builder.ToString();
    }
}
