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

    /// <summary>
    /// Parses a raw header block (as fetched) into headers, stopping at the blank line. Lenient on purpose: real mail
    /// has mbox "From " lines, BOMs and broken fields, and identity must never fail, so unparsable lines are skipped.
    /// </summary>
    public static HeaderList ParseHeaders(Stream rawHeaderBlock)
    {
        using var copy = new MemoryStream();
        rawHeaderBlock.CopyTo(copy);
        return HeaderBlock.Parse(copy.GetBuffer().AsSpan(0, (int)copy.Length));
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
