using System.Text;
using MimeKit;
using Runbook.Steps.Mail.Repair;

namespace Runbook.Tests.Steps.Mail.Repair;

public sealed class MessageRepairTests
{
    private static string Repair(byte[] message, RepairKinds kinds, out IReadOnlyList<string> changes)
    {
        var (bytes, done) = MessageRepair.Apply(message, kinds);
        changes = done;
        return Encoding.Latin1.GetString(bytes);
    }

    [Fact]
    public void Given_utf8_in_the_subject_and_a_display_name_When_repaired_Then_both_become_encoded_words_the_address_stays_and_the_body_is_untouched()
    {
        var message = Encoding.UTF8.GetBytes("From: 山田 太郎 <yamada@old.test>\r\nSubject: Another PDF with 🎉 in it\r\nTo: b@old.test\r\n\r\nbody 日本語\r\n");

        var repaired = Repair(message, RepairKinds.Headers8Bit, out var changes);

        Assert.DoesNotContain(Encoding.Latin1.GetString(repaired.Split("\r\n\r\n")[0].Select(c => (byte)c).ToArray()), c => c >= 0x80);
        Assert.Contains("<yamada@old.test>", repaired, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\n" + Encoding.Latin1.GetString(Encoding.UTF8.GetBytes("body 日本語\r\n")), repaired, StringComparison.Ordinal);
        Assert.DoesNotContain("\n\n", repaired.Replace("\r\n", "", StringComparison.Ordinal), StringComparison.Ordinal);
        var parsed = MimeMessage.Load(new MemoryStream(Encoding.Latin1.GetBytes(repaired)));
        Assert.Equal("Another PDF with 🎉 in it", parsed.Subject);
        Assert.Equal("山田 太郎", ((MailboxAddress)parsed.From[0]).Name);
        Assert.Equal(["From: raw 8-bit text (UTF-8) encoded as RFC 2047", "Subject: raw 8-bit text (UTF-8) encoded as RFC 2047"], changes);
    }

    [Fact]
    public void Given_latin1_bytes_and_a_declared_charset_When_repaired_Then_the_declared_charset_decodes_them()
    {
        var message = Encoding.Latin1.GetBytes("Subject: caf\u00e9\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\nx\r\n");

        var repaired = Repair(message, RepairKinds.Headers8Bit, out var changes);

        Assert.Equal("café", MimeMessage.Load(new MemoryStream(Encoding.Latin1.GetBytes(repaired))).Subject);
        Assert.Equal(["Subject: raw 8-bit text (iso-8859-1) encoded as RFC 2047"], changes);
    }

    [Fact]
    public void Given_bare_newlines_and_nul_When_repaired_Then_every_line_ends_in_crlf_and_nul_is_gone()
    {
        var message = Encoding.ASCII.GetBytes("Subject: x\nFrom: a\r\n\r\nline\rmore\0text\n");

        var repaired = Repair(message, RepairKinds.BareNewlines | RepairKinds.Nul, out var changes);

        Assert.Equal("Subject: x\r\nFrom: a\r\n\r\nline\r\nmoretext\r\n", repaired);
        Assert.Equal(["1 NUL byte(s) removed", "3 bare CR or LF made CRLF"], changes);
    }

    [Fact]
    public void Given_a_utf8_byte_order_mark_before_the_first_field_When_repaired_Then_it_is_removed_and_said()
    {
        byte[] message = [0xEF, 0xBB, 0xBF, .. "From: a@old.test\r\nSubject: x\r\n\r\nbody\r\n"u8];

        var repaired = Repair(message, RepairKinds.Headers8Bit, out var changes);

        Assert.Equal("From: a@old.test\r\nSubject: x\r\n\r\nbody\r\n", repaired);
        Assert.Equal(["a leading UTF-8 byte-order mark removed"], changes);
    }

    [Fact]
    public void Given_a_clean_message_When_repaired_Then_nothing_changes()
    {
        var message = Encoding.ASCII.GetBytes("Subject: x\r\n\r\nbody\r\n");

        var repaired = Repair(message, RepairKinds.Headers8Bit | RepairKinds.BareNewlines | RepairKinds.Nul, out var changes);

        Assert.Equal("Subject: x\r\n\r\nbody\r\n", repaired);
        Assert.Empty(changes);
    }
}
