using System.Text;
using MimeKit;
using Runbook.Adapters.Mail;

namespace Runbook.Tests.Adapters.Mail;

public sealed class MessageIdentityTests
{
    private static HeaderList Headers(string block) =>
        MessageIdentity.ParseHeaders(new MemoryStream(Encoding.Latin1.GetBytes(block + "\r\n")));

    [Fact]
    public void Given_one_header_block_served_with_crlf_or_lf_raw_or_parsed_When_digested_Then_digests_agree()
    {
        const string block = "Subject: a long\r\n\tsubject\r\nFrom: a@x.test\r\nMessage-ID: <1@x.test>\r\n";
        var crlf = MessageIdentity.HeaderDigest(Encoding.Latin1.GetBytes(block + "\r\n"), 100);

        Assert.Equal(crlf, MessageIdentity.HeaderDigest(Encoding.Latin1.GetBytes(block.Replace("\r\n", "\n", StringComparison.Ordinal) + "\n"), 100));
        Assert.Equal(crlf, MessageIdentity.HeaderDigest(Headers(block), 100));
    }

    [Fact]
    public void Given_obsolete_syntax_with_space_before_the_colon_When_digested_raw_and_parsed_Then_digests_agree_and_differ_from_the_modern_form()
    {
        const string obsolete = "Subject     : Saying Hello\r\nFrom: a@b\r\n";
        var raw = MessageIdentity.HeaderDigest(Encoding.Latin1.GetBytes(obsolete + "\r\nbody\r\n"), 40);

        Assert.Equal(raw, MessageIdentity.HeaderDigest(Headers(obsolete), 40));
        Assert.NotEqual(raw, MessageIdentity.HeaderDigest(Headers("Subject: Saying Goodbye\r\nFrom: a@b\r\n"), 40));
    }

    [Fact]
    public void Given_headers_differing_only_in_a_trace_header_When_digested_Then_digests_differ()
    {
        // The whole block counts: two deliveries of the same text are two messages.
        var a = Headers("Subject: s\r\nReceived: from a\r\n");
        var b = Headers("Subject: s\r\nReceived: from b\r\n");

        Assert.NotEqual(MessageIdentity.HeaderDigest(a, 5), MessageIdentity.HeaderDigest(b, 5));
    }

    [Fact]
    public void Given_a_message_without_a_blank_line_When_digested_raw_Then_the_whole_message_is_its_header_block()
    {
        Assert.Equal(
            MessageIdentity.HeaderDigest(Encoding.Latin1.GetBytes("From: a\r\nSubject: only headers"), 30),
            MessageIdentity.HeaderDigest(Encoding.Latin1.GetBytes("From: a\nSubject: only headers\n"), 30));
    }

    [Fact]
    public void Given_a_message_id_with_brackets_When_read_Then_brackets_and_space_are_gone()
    {
        Assert.Equal("1@x.test", MessageIdentity.MessageId(Headers("Message-ID:  <1@x.test> \r\n")));
    }

    [Fact]
    public void Given_no_message_id_When_read_Then_null()
    {
        Assert.Null(MessageIdentity.MessageId(Headers("Subject: s\r\n")));
    }

    [Fact]
    public void Given_8bit_subjects_that_differ_When_digested_Then_digests_differ()
    {
        var a = Headers("Subject: Cart\u00f3rio\r\n");
        var b = Headers("Subject: Cart\u00f2rio\r\n");

        Assert.NotEqual(MessageIdentity.HeaderDigest(a, 1), MessageIdentity.HeaderDigest(b, 1));
    }

    [Fact]
    public void Given_an_mbox_from_line_and_a_broken_field_When_parsed_Then_the_real_headers_are_kept()
    {
        var headers = Headers("From sender@old.test Tue Jan  2 03:04:05 2024\r\nMessage-ID: <m@x>\r\nno colon here\r\nSubject: a\r\n b\r\n");

        Assert.Equal("m@x", MessageIdentity.MessageId(headers));
        Assert.Equal(MessageIdentity.HeaderDigest(Headers("Message-ID: <m@x>\r\nSubject: a b\r\n"), 9), MessageIdentity.HeaderDigest(headers, 9));
    }

    [Fact]
    public void Given_a_header_block_with_bare_lf_and_a_body_When_parsed_Then_parsing_stops_at_the_blank_line()
    {
        var headers = MessageIdentity.ParseHeaders(new MemoryStream("Subject: s\n\nMessage-ID: <body@x>\n"u8.ToArray()));

        Assert.Null(MessageIdentity.MessageId(headers));
        Assert.Equal("s", headers[HeaderId.Subject]?.Trim());
    }
}
