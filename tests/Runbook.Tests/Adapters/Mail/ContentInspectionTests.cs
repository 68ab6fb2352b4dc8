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
}
