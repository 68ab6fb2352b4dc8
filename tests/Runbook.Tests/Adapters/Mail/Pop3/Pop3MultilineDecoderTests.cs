using System.Text;
using Runbook.Adapters.Mail.Pop3;

namespace Runbook.Tests.Adapters.Mail.Pop3;

public sealed class Pop3MultilineDecoderTests
{
    [Theory]
    [InlineData("Subject: x\r\n\r\nbody\r\n.\r\n", null, "Subject: x\r\n\r\nbody\r\n")]
    [InlineData("S: x\r\n\r\n..\r\n...two\r\n.one\r\n.\r\n", null, "S: x\r\n\r\n.\r\n..two\r\none\r\n")]
    [InlineData("S: x\r\n\r\nno newline\r\n.\r\n", 18L, "S: x\r\n\r\nno newline")]
    [InlineData("S: x\r\n\r\nbody\r\n.\r\n", 14L, "S: x\r\n\r\nbody\r\n")]
    [InlineData("S: x\r\n\r\nbody\r\n.\r\n", 99L, "S: x\r\n\r\nbody\r\n")]
    [InlineData("S: x\n\nbare lf\n.\r\n", null, "S: x\n\nbare lf\n")]
    [InlineData(".\r\n", null, "")]
    public async Task Given_a_multiline_reply_split_anywhere_When_decoded_Then_the_message_bytes_come_out(string wire, long? listed, string expected)
    {
        var bytes = Encoding.ASCII.GetBytes(wire + "+OK next reply\r\n");
        for (var split = 0; split <= wire.Length; split++)
        {
            var (output, consumed) = await DecodeAsync(bytes, listed, split);

            Assert.Equal(expected, output);
            Assert.Equal(wire.Length, consumed);
        }
    }

    [Fact]
    public async Task Given_a_reply_larger_than_the_buffer_When_decoded_Then_every_byte_arrives_in_order()
    {
        var body = string.Concat(Enumerable.Range(0, 20_000).Select(i => $".line {i}\r\n"));
        var wire = Encoding.ASCII.GetBytes("S: big\r\n\r\n" + body.Replace("\r\n.", "\r\n..", StringComparison.Ordinal).Insert(0, ".") + ".\r\n");

        var (output, _) = await DecodeAsync(wire, null, wire.Length / 3);

        Assert.Equal("S: big\r\n\r\n" + body, output);
    }

    private static async Task<(string Output, int Consumed)> DecodeAsync(byte[] wire, long? listed, int split)
    {
        var decoder = new Pop3MultilineDecoder(listed);
        using var destination = new MemoryStream();
        var consumed = 0;
        foreach (var (start, length) in new[] { (0, split), (split, wire.Length - split) })
        {
            var offset = 0;
            while (offset < length && !decoder.Done)
            {
                var used = decoder.Decode(wire.AsSpan(start + offset, length - offset));
                offset += used;
                consumed += used;
                if (decoder.Full || decoder.Done)
                {
                    await decoder.FlushAsync(destination, CancellationToken.None);
                }
            }
        }
        Assert.True(decoder.Done);
        return (Encoding.ASCII.GetString(destination.ToArray()), consumed);
    }
}
