using System.Text;
using Runbook.Adapters.Mail.Pop3;

namespace Runbook.Tests.Adapters.Mail;

public sealed class Pop3RetrTests
{
    [Theory]
    [InlineData("Subject: x\r\n\r\nno newline\r\n", 24, "Subject: x\r\n\r\nno newline")]
    [InlineData("Subject: x\r\n\r\nbody\r\n", 20, "Subject: x\r\n\r\nbody\r\n")]
    [InlineData("Subject: x\r\n\r\nbody\r\n", 30, "Subject: x\r\n\r\nbody\r\n")]
    [InlineData("Subject: x\r\n\r\nbodyXY", 19, "Subject: x\r\n\r\nbodyXY")]
    public async Task Given_retrieved_bytes_and_the_listed_size_When_copied_Then_only_framing_crlf_is_dropped(string retrieved, long listed, string expected)
    {
        using var source = new MemoryStream(Encoding.ASCII.GetBytes(retrieved));
        using var destination = new MemoryStream();

        var length = await Pop3Retr.ExactLengthAsync(source, listed, CancellationToken.None);
        await Pop3Retr.CopyAsync(source, destination, length, CancellationToken.None);

        Assert.Equal(expected, Encoding.ASCII.GetString(destination.ToArray()));
    }
}
