using System.Text;
using MimeKit;
using Runbook.Adapters.Mail;

namespace Runbook.Steps.Mail.Repair;

/// <summary>
/// Turns header fields holding raw 8-bit text into RFC 2047 encoded-words, field by field, with MimeKit's encoder
/// (which knows address fields: a display name is encoded, the address itself stays). The charset: UTF-8 when the
/// bytes are valid UTF-8, else the one the message declares (Content-Type charset), else ISO-8859-1.
/// </summary>
internal static class HeaderEncoding
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    static HeaderEncoding() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>CRLF line ends for the re-encoded fields, whatever the platform's default.</summary>
    private static readonly FormatOptions Options = new() { NewLineFormat = NewLineFormat.Dos };

    public static byte[] Encode(byte[] message, List<string> changes)
    {
        // A UTF-8 byte-order mark before the first field (written by some Windows tools) has no place in a header:
        // strict servers read it as 8-bit header text and change or refuse the message.
        if (message.AsSpan().StartsWith("\uFEFF"u8))
        {
            message = message[3..];
            changes.Add("a leading UTF-8 byte-order mark removed");
        }

        var fieldsEnd = HeaderBlock.FieldsEnd(message);
        var headers = HeaderBlock.Parse(message.AsSpan(0, fieldsEnd));
        if (!headers.Any(h => h.RawValue.Any(b => b >= 0x80)))
        {
            return message;
        }

        var declared = DeclaredCharset(headers);
        using var output = new MemoryStream(message.Length + 256);
        foreach (var header in headers)
        {
            if (!header.RawValue.Any(b => b >= 0x80))
            {
                Write(output, header);
                continue;
            }

            var (text, charset) = Decode(header.RawValue, declared);
            var encoded = new Header(header.Field, "");
            encoded.SetValue(Options, Encoding.UTF8, text.Trim());
            Write(output, encoded);
            changes.Add($"{header.Field}: raw 8-bit text ({charset}) encoded as RFC 2047");
        }

        // The blank line and the body stay byte for byte.
        output.Write(message.AsSpan(fieldsEnd));
        return output.ToArray();
    }

    private static void Write(Stream output, Header header)
    {
        output.Write(header.RawField);
        output.WriteByte((byte)':');
        output.Write(header.RawValue);
    }

    private static (string Text, string Charset) Decode(byte[] raw, Encoding? declared)
    {
        try
        {
            return (StrictUtf8.GetString(raw), "UTF-8");
        }
        catch (DecoderFallbackException)
        {
            var encoding = declared ?? Encoding.Latin1;
            return (encoding.GetString(raw), encoding.WebName);
        }
    }

    private static Encoding? DeclaredCharset(HeaderList headers)
    {
        var contentType = headers[HeaderId.ContentType];
        if (contentType is null || !ContentType.TryParse(contentType, out var type) || type.Charset is not { } name)
        {
            return null;
        }

        try
        {
            return Encoding.GetEncoding(name);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
