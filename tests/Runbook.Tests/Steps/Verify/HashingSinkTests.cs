using System.Security.Cryptography;
using System.Text;
using Runbook.Steps.Verify;

namespace Runbook.Tests.Steps.Verify;

/// <summary>The sink verify hashes through: the SHA-256 of every byte, and only the header block kept.</summary>
public sealed class HashingSinkTests
{
    [Theory]
    [InlineData("\r\n")]
    [InlineData("\n")]
    public async Task Given_a_message_written_in_small_pieces_When_disposed_Then_the_hash_is_of_all_bytes_and_the_header_stops_at_the_blank_line(string eol)
    {
        var text = $"Subject: =?UTF-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes("契約"))}?={eol}From: a@x{eol}{eol}body{eol}{new string('x', 200_000)}";
        var bytes = Encoding.ASCII.GetBytes(text);
        var sink = new HashingSink();

        foreach (var piece in bytes.Chunk(7))
        {
            await sink.WriteAsync(piece);
        }

        await sink.DisposeAsync();
        var head = new HeaderFacts(sink.Header, sink.Length64);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), sink.Sha256);
        Assert.Equal(bytes.Length, sink.Length64);
        Assert.EndsWith("From: a@x" + eol, Encoding.ASCII.GetString(sink.Header), StringComparison.Ordinal);
        Assert.Equal("契約", head.Headline.Subject);
        Assert.Equal("a@x", head.Headline.From);
    }
}
