using System.Security.Cryptography;

namespace Runbook.Tests.Support;

/// <summary>Samples the live managed heap (after a full collection) every few MB passing through a stream.</summary>
internal sealed class HeapMeter
{
    private const long SampleEvery = 4 * 1024 * 1024;
    private readonly long _baseline = GC.GetTotalMemory(forceFullCollection: true);
    private readonly long _allocatedAtStart = GC.GetTotalAllocatedBytes(precise: true);
    private long _sinceSample;

    public long PeakGrowth { get; private set; }
    public long Allocated => GC.GetTotalAllocatedBytes(precise: true) - _allocatedAtStart;

    public void Passed(int bytes)
    {
        _sinceSample += bytes;
        if (_sinceSample >= SampleEvery)
        {
            _sinceSample = 0;
            PeakGrowth = Math.Max(PeakGrowth, GC.GetTotalMemory(forceFullCollection: true) - _baseline);
        }
    }
}

/// <summary>A pass-through stream that reports every read and write to a <see cref="HeapMeter"/>.</summary>
internal sealed class MeteredStream(Stream inner, HeapMeter meter) : Stream
{
    public override bool CanRead => inner.CanRead;
    public override bool CanSeek => inner.CanSeek;
    public override bool CanWrite => inner.CanWrite;
    public override long Length => inner.Length;
    public override long Position { get => inner.Position; set => inner.Position = value; }
    public override void Flush() => inner.Flush();
    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
    public override void SetLength(long value) => inner.SetLength(value);

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = inner.Read(buffer, offset, count);
        meter.Passed(read);
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        meter.Passed(read);
        return read;
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        inner.Write(buffer, offset, count);
        meter.Passed(count);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await inner.WriteAsync(buffer, cancellationToken);
        meter.Passed(buffer.Length);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}

/// <summary>A write-only sink that hashes what it is given, holding nothing.</summary>
internal sealed class HashingStream(IncrementalHash hash) : Stream
{
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => hash.AppendData(buffer, offset, count);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        hash.AppendData(buffer.Span);
        return ValueTask.CompletedTask;
    }
}
