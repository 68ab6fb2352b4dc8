namespace Runbook.Adapters.Mail.Pop3;

/// <summary>A memory stream that keeps only the first <c>limit</c> bytes written and discards the rest.</summary>
internal sealed class HeadCaptureStream(int limit) : MemoryStream
{
    public override void Write(byte[] buffer, int offset, int count) => base.Write(buffer, offset, Room(count));

    public override void Write(ReadOnlySpan<byte> buffer) => base.Write(buffer[..Room(buffer.Length)]);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer, offset, count);
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    private int Room(int count) => (int)Math.Max(0, Math.Min(count, limit - Length));
}
