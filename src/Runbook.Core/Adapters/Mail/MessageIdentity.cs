using System.Security.Cryptography;
using System.Text;
using MimeKit;

namespace Runbook.Adapters.Mail;

/// <summary>
/// The one identity both sides compute, so a message on the source and its copy on the destination agree:
/// Message-ID plus size, or a digest of the message's own raw header block plus size.
/// </summary>
/// <remarks>
/// The digest is taken over the bytes of the whole header block (IMAP <c>BODY.PEEK[HEADER]</c>, POP3 <c>TOP n 0</c>),
/// never over fields a server picked out by its own parsing (<c>HEADER.FIELDS</c>): servers disagree on obsolete syntax
/// such as <c>Subject   : x</c> (RFC 5322 §4.5), and the same bytes must give the same identity whatever serves them.
/// Whitespace (so line endings and folding) and colons are left out, since servers differ in how they serve line ends
/// and the header parser rebuilds a field as name, colon, value.
/// </remarks>
internal static class MessageIdentity
{
    public static string? MessageId(HeaderList headers)
    {
        var raw = headers[HeaderId.MessageId];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }
        var id = string.Join(' ', raw.Split([' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim('<', '>', ' ');
        return id.Length == 0 ? null : id;
    }

    /// <summary>The digest of parsed headers: each field rebuilt from its raw name and raw value, as the message holds them.</summary>
    public static string HeaderDigest(HeaderList headers, long size)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var header in headers)
        {
            Append(hash, header.RawField);
            Append(hash, header.RawValue);
        }
        return Finish(hash, size);
    }

    /// <summary>The digest of a raw header block (up to its blank line, or all of it when there is none).</summary>
    public static string HeaderDigest(ReadOnlySpan<byte> rawHeaderBlock, long size)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, rawHeaderBlock[..HeaderBlock.End(rawHeaderBlock)]);
        return Finish(hash, size);
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

    private static void Append(IncrementalHash hash, ReadOnlySpan<byte> bytes)
    {
        Span<byte> buffer = stackalloc byte[256];
        var used = 0;
        foreach (var b in bytes)
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)':')
            {
                continue;
            }
            buffer[used++] = b;
            if (used == buffer.Length)
            {
                hash.AppendData(buffer);
                used = 0;
            }
        }
        hash.AppendData(buffer[..used]);
    }

    private static string Finish(IncrementalHash hash, long size)
    {
        hash.AppendData(Encoding.ASCII.GetBytes("|size:" + size.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return Convert.ToHexStringLower(hash.GetHashAndReset().AsSpan(0, 16));
    }
}
