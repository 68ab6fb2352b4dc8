using Runbook.Steps.Mail;

namespace Runbook.Tests.Steps.Mail;

public sealed class ChunkedBytesTests
{
    // Sizes around the chunk boundaries, announced right, too small (a server's size is a hint) and too large.
    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(3_000, 3_000)]
    [InlineData(65_535, 65_535)]
    [InlineData(65_536, 65_536)]
    [InlineData(65_537, 65_537)]
    [InlineData(250_000, 250_000)]
    [InlineData(262_144, 1_000)]
    [InlineData(100_000, 262_144)]
    public async Task Given_bytes_written_in_odd_pieces_When_read_in_odd_pieces_Then_they_are_exact_and_no_chunk_reaches_the_large_object_heap(
        int size, int announced)
    {
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        var chunked = new ChunkedBytes(announced);

        for (var at = 0; at < size;)
        {
            var piece = Math.Min(size - at, 7_919 + at % 5);
            if (at % 2 == 0)
            {
                chunked.Writer.Write(bytes.AsSpan(at, piece));
            }
            else
            {
                await chunked.Writer.WriteAsync(bytes.AsMemory(at, piece));
            }

            at += piece;
        }

        Assert.Equal(size, chunked.Length);
        Assert.Equal(bytes, chunked.ToArray());
        Assert.Equal(bytes, await ReadInPiecesAsync(chunked.OpenRead(), 4_099));
        Assert.All(chunked.ChunkSizes, s => Assert.InRange(s, 1, 84_000));
    }

    [Fact]
    public async Task Given_two_readers_When_one_seeks_and_the_other_reads_Then_each_keeps_its_own_position()
    {
        var bytes = Enumerable.Range(0, 150_000).Select(i => (byte)(i * 31)).ToArray();
        var chunked = new ChunkedBytes(bytes.Length);
        chunked.Writer.Write(bytes);

        using var first = chunked.OpenRead();
        using var second = chunked.OpenRead();
        first.Seek(-10, SeekOrigin.End);
        var tail = new byte[20];

        Assert.Equal(10, first.Read(tail));
        Assert.Equal(bytes[^10..], tail[..10]);
        Assert.Equal(0, first.Read(tail));
        second.Position = 65_530;
        Assert.Equal(12, await second.ReadAsync(tail.AsMemory(0, 12)));
        Assert.Equal(bytes[65_530..65_542], tail[..12]);
        Assert.Equal(bytes, await ReadInPiecesAsync(chunked.OpenRead(), 65_536));
        Assert.False(first.CanWrite);
        Assert.Throws<NotSupportedException>(() => first.Write(tail));
    }

    private static async Task<byte[]> ReadInPiecesAsync(Stream stream, int piece)
    {
        using (stream)
        {
            var output = new MemoryStream();
            var buffer = new byte[piece];
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                output.Write(buffer, 0, read);
            }

            Assert.Equal(stream.Length, output.Length);
            return output.ToArray();
        }
    }
}
