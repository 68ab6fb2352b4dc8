using System.Text;
using MimeKit;
using Runbook.Adapters.Mail;

namespace Runbook.Tests.Adapters.Mail;

public sealed class MessageIdentityTests
{
    private static HeaderList Headers(string block) =>
        MessageIdentity.ParseHeaders(new MemoryStream(Encoding.Latin1.GetBytes(block + "\r\n")));

    [Fact]
    public void Given_folded_and_unfolded_headers_When_digested_Then_digests_agree()
    {
        var folded = Headers("Subject: a long\r\n\tsubject\r\nFrom: a@x.test\r\nMessage-ID: <1@x.test>\r\n");
        var unfolded = Headers("Message-ID: <1@x.test>\r\nFrom: a@x.test\r\nSubject: a long subject\r\n");

        Assert.Equal(MessageIdentity.HeaderDigest(folded, 100), MessageIdentity.HeaderDigest(unfolded, 100));
    }

    [Fact]
    public void Given_same_headers_When_sizes_differ_Then_digests_differ()
    {
        var headers = Headers("Subject: draft\r\n");

        Assert.NotEqual(MessageIdentity.HeaderDigest(headers, 100), MessageIdentity.HeaderDigest(headers, 101));
    }

    [Fact]
    public void Given_headers_differing_only_in_an_unstable_header_When_digested_Then_digests_agree()
    {
        var a = Headers("Subject: s\r\nReceived: from a\r\n");
        var b = Headers("Subject: s\r\nReceived: from b\r\nX-Spam: yes\r\n");

        Assert.Equal(MessageIdentity.HeaderDigest(a, 5), MessageIdentity.HeaderDigest(b, 5));
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
