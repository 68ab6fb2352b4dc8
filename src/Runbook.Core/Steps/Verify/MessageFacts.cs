using System.Globalization;
using MimeKit;
using MimeKit.Utils;
using Runbook.Adapters.Mail;

namespace Runbook.Steps.Verify;

/// <summary>What a person recognises a message by, decoded from its own header block: sender, subject, Date header.</summary>
internal sealed record MessageHeadline(string? From, string? Subject, DateTimeOffset? Date)
{
    public static readonly MessageHeadline None = new(null, null, null);

    /// <summary>From the header fields as <see cref="HeaderBlock"/> parsed them (leniently); a field MimeKit cannot decode stays empty, never an error.</summary>
    public static MessageHeadline Of(HeaderList headers)
    {
        try
        {
            var from = headers[HeaderId.From];
            var display = from is not null && InternetAddressList.TryParse(from, out var addresses) ? addresses.ToString() : from;
            DateTimeOffset? date = DateUtils.TryParse(headers[HeaderId.Date] ?? "", out var parsed) ? parsed : null;
            return new MessageHeadline(display?.Trim(), headers[HeaderId.Subject]?.Trim(), date);
        }
        catch (FormatException)
        {
            // MimeKit's ParseException is a FormatException: a broken field lists the message without it.
            return None;
        }
    }
}

/// <summary>One message as a server serves it, read for verification: where it is, its bytes' SHA-256, flags, keywords and INTERNALDATE.</summary>
internal sealed record MessageFacts
{
    public required string Folder { get; init; }
    /// <summary>IMAP UID as text, or the POP3 UIDL: what the copy ledger keys the source message by.</summary>
    public required string SourceId { get; init; }
    public uint Uid { get; init; }
    public required long Size { get; init; }
    public required string Sha256 { get; init; }
    public IReadOnlyList<string> Flags { get; init; } = [];
    public IReadOnlyList<string> Keywords { get; init; } = [];
    public DateTimeOffset? InternalDate { get; init; }
    /// <summary>The message's own header block, parsed only when asked: most messages match by SHA-256 and are never looked at again.</summary>
    public required HeaderFacts Head { get; init; }
    public string? MessageId => Head.MessageId;
    public string HeaderDigest => Head.Digest;
    public MessageHeadline Headline => Head.Headline;

    /// <summary>Flags, keywords and INTERNALDATE (to the second: Maildir keeps seconds) as one comparable text.</summary>
    public string Attributes => string.Join(' ', Flags.Order(StringComparer.Ordinal)) + " | " + string.Join(' ', Keywords.Order(StringComparer.Ordinal))
        + " | " + (InternalDate?.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) ?? "-");

    /// <summary>The date a person sees: the Date header, else INTERNALDATE.</summary>
    public DateTimeOffset? ShownDate => Headline.Date ?? InternalDate;
}

/// <summary>
/// Identity and headline of a message from its raw header block, computed on first use and kept. The same code reads
/// both servers, so a POP3 source and an IMAP destination describe one message the same way.
/// </summary>
internal sealed class HeaderFacts(byte[] block, long size)
{
    private HeaderList? _fields;
    private string? _digest;
    private string? _messageId;
    private bool _messageIdRead;
    private MessageHeadline? _headline;

    public string? MessageId
    {
        get
        {
            if (!_messageIdRead)
            {
                _messageId = MessageIdentity.MessageId(Fields);
                _messageIdRead = true;
            }

            return _messageId;
        }
    }

    public string Digest => _digest ??= MessageIdentity.HeaderDigest(block, size);

    public MessageHeadline Headline => _headline ??= MessageHeadline.Of(Fields);

    private HeaderList Fields => _fields ??= HeaderBlock.Parse(block);
}
