using System.Text;
using Runbook.Adapters.Mail;

namespace Runbook.Tests.Adapters.Mail;

public sealed class ContentInspectionTests
{
    private static ContentInspection Inspect(byte[] bytes, int chunk = 7)
    {
        var stream = new InspectingStream(new MemoryStream());
        // Small chunks: a CR at the end of one write and its LF at the start of the next must still pair up.
        foreach (var part in bytes.Chunk(chunk))
        {
            stream.Write(part);
        }

        stream.Dispose();
        return stream.Result!;
    }

    [Theory]
    [InlineData("Subject: plain\r\n\r\nbody\r\n", "None")]
    [InlineData("Subject: 8-bit in the body is fine\r\n\r\nJapanese: 日本語\r\n", "None")]
    [InlineData("Subject: 日本語\r\n\r\nbody\r\n", "EightBitHeader")]
    [InlineData("Subject: bare\nFrom: a\n\nbody\n", "BareCrOrLf")]
    [InlineData("Subject: lone CR\r\n\r\nbody\rmore\r\n", "BareCrOrLf")]
    [InlineData("Subject: nul\r\n\r\nbo\0dy\r\n", "Nul")]
    [InlineData("From: a\r\nSubject: headers only", "NoHeaderSeparator")]
    public void Given_a_message_When_spooled_Then_its_risks_are_named(string text, string expected)
    {
        Assert.Equal(Enum.Parse<ContentRisk>(expected), Inspect(Encoding.UTF8.GetBytes(text)).Risks);
    }

    [Fact]
    public void Given_a_line_over_998_bytes_When_spooled_Then_it_is_a_long_line_and_the_hash_is_the_bytes_sha256()
    {
        var bytes = Encoding.ASCII.GetBytes("Subject: long\r\n\r\n" + new string('x', 999) + "\r\n");

        var inspection = Inspect(bytes, chunk: 64);

        Assert.Equal(ContentRisk.LongLine, inspection.Risks);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(bytes), inspection.Sha256);
    }

    [Theory]
    [InlineData("Subject: x\r\n\r\n", 998, "None")]
    [InlineData("Subject: x\r\n\r\n", 999, "LongLine")]
    [InlineData("Subject: x\r\n\r\nab\r", 0, "BareCrOrLf")]
    public void Given_a_line_at_the_limit_or_a_trailing_CR_When_spooled_in_any_chunks_Then_the_risks_are_the_same(string head, int line, string expected)
    {
        var bytes = Encoding.ASCII.GetBytes(head + new string('y', line) + (line > 0 ? "\r\n" : "c\r\n"));

        foreach (var chunk in new[] { 1, 2, 3, 64, 997, 998, 999, 4096 })
        {
            Assert.Equal(Enum.Parse<ContentRisk>(expected), Inspect(bytes, chunk).Risks);
        }
    }

    [Fact]
    public void Given_random_bytes_rich_in_CR_LF_NUL_and_8_bit_When_spooled_in_random_chunks_Then_the_risks_are_those_of_a_byte_by_byte_reading()
    {
        var random = new Random(17);
        byte[] alphabet = [(byte)'\r', (byte)'\n', 0, 0xE6, (byte)'a', (byte)'b', (byte)':', (byte)' '];
        for (var round = 0; round < 500; round++)
        {
            var bytes = new byte[random.Next(0, 3000)];
            // Long ordinary runs too, so that lines over 998 bytes happen.
            var ordinary = random.Next(2) == 0;
            for (var i = 0; i < bytes.Length; i++)
            {
                bytes[i] = ordinary && random.Next(400) != 0 ? (byte)'x' : alphabet[random.Next(alphabet.Length)];
            }

            Assert.Equal(ByteByByte(bytes), Inspect(bytes, random.Next(1, 1500)).Risks);
        }
    }

    /// <summary>The rules read one byte at a time, as the spool applied them before it measured runs whole.</summary>
    private static ContentRisk ByteByByte(byte[] bytes)
    {
        var (risks, inHeader, lineLength, previous, lineWasEmpty) = (ContentRisk.None, true, 0, (byte)0, true);
        foreach (var b in bytes)
        {
            if (previous == '\r' && b != '\n') risks |= ContentRisk.BareCrOrLf;
            if (b == '\n')
            {
                if (previous != '\r') risks |= ContentRisk.BareCrOrLf;
                if (lineWasEmpty && inHeader) inHeader = false;
                (lineLength, lineWasEmpty) = (0, true);
            }
            else if (b != '\r')
            {
                if (b == 0) risks |= ContentRisk.Nul;
                else if (b >= 0x80 && inHeader) risks |= ContentRisk.EightBitHeader;
                if (++lineLength > 998) risks |= ContentRisk.LongLine;
                lineWasEmpty = false;
            }

            previous = b;
        }

        if (previous == '\r') risks |= ContentRisk.BareCrOrLf;
        return inHeader ? risks | ContentRisk.NoHeaderSeparator : risks;
    }
}
