using System.Diagnostics;
using System.Security.Cryptography;
using Runbook.Adapters.Mail;
using Runbook.Adapters.Mail.Imap;
using Runbook.Tests.Support;
using Xunit.Abstractions;
using static Runbook.Tests.Adapters.Mail.MailLabMessages;

using Runbook.Tests.Lab;

namespace Runbook.Tests.Adapters.Mail;

/// <summary>Memory is measured process-wide, so nothing else may run alongside.</summary>
[Collection("lab-memory")]
[Trait("Category", "Lab")]
public sealed class BigMessageLabTests(LabFixture fixture, ITestOutputHelper output) : IDisposable
{
    private const long MessageBytes = 30L * 1024 * 1024 + 12_345;
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly MailLab _lab = new(fixture.Lab);
    private readonly string _dir = Directory.CreateTempSubdirectory("runbook-big-").FullName;

    [Fact]
    public async Task Given_a_30_MB_message_When_copied_old_to_new_Then_bytes_match_and_live_memory_stays_bounded()
    {
        var login = _lab.NewLogin();
        var original = Path.Combine(_dir, "original.eml");
        await WriteBigMessageAsync(original);
        await SeedAsync(_lab.Old("imap"), login, "INBOX", [FileItem(original)]);
        var spool = Path.Combine(_dir, "spool.eml");
        var meter = new HeapMeter();
        var watch = Stopwatch.StartNew();

        await using (var source = await ImapMailSource.ConnectAsync(_lab.Old("imap"), login, None))
        await using (var destination = await ImapMailDestination.ConnectAsync(_lab.New("imap"), login, None))
        {
            var message = Assert.Single(await source.ListMessagesAsync("INBOX", 0, None));
            await using (var file = new MeteredStream(File.Create(spool), meter))
            {
                await source.CopyRawAsync("INBOX", message, file, None);
            }
            var item = FileItem(spool, meter) with { Source = message };
            Assert.Equal(AppendStatus.Stored, Assert.Single(await destination.AppendAsync("INBOX", [item], None)).Status);
        }
        watch.Stop();

        var newSha = await ShaOfOnlyMessageAsync(login);
        Assert.Equal(Sha256(original), newSha);
        output.WriteLine($"30 MB copy: {watch.Elapsed.TotalSeconds:0.00} s, peak live heap growth {meter.PeakGrowth / 1048576.0:0.0} MB, " +
            $"allocated {meter.Allocated / 1048576.0:0.0} MB, process peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:0} MB");
        // A buffering copy would hold the whole message (30 MB) live at once.
        Assert.True(meter.PeakGrowth < 10 * 1024 * 1024, $"live heap grew by {meter.PeakGrowth} bytes");
    }

    [Fact]
    public async Task Given_a_30_MB_message_When_retrieved_over_pop3_Then_bytes_match_and_live_memory_stays_bounded()
    {
        var login = _lab.NewLogin();
        var original = Path.Combine(_dir, "original.eml");
        await WriteBigMessageAsync(original);
        await SeedAsync(_lab.Old("imap"), login, "INBOX", [FileItem(original)]);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var meter = new HeapMeter();
        var watch = Stopwatch.StartNew();

        await using (var pop3 = await Runbook.Adapters.Mail.Pop3.Pop3MailSource.ConnectAsync(_lab.Old("pop3"), login, None))
        {
            var message = Assert.Single(await pop3.ListMessagesAsync("INBOX", 0, None));
            await pop3.CopyRawAsync("INBOX", message, new MeteredStream(new HashingStream(sha), meter), None);
        }
        watch.Stop();

        Assert.Equal(Sha256(original), Convert.ToHexString(sha.GetHashAndReset()));
        output.WriteLine($"30 MB POP3 RETR: {watch.Elapsed.TotalSeconds:0.00} s, peak live heap growth {meter.PeakGrowth / 1048576.0:0.0} MB, allocated {meter.Allocated / 1048576.0:0.0} MB");
        Assert.True(meter.PeakGrowth < 10 * 1024 * 1024, $"live heap grew by {meter.PeakGrowth} bytes");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<string> ShaOfOnlyMessageAsync(MailLogin login)
    {
        await using var source = await ImapMailSource.ConnectAsync(_lab.New("imap"), login, None);
        var message = Assert.Single(await source.ListMessagesAsync("INBOX", 0, None));
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await source.CopyRawAsync("INBOX", message, new HashingStream(sha), None);
        return Convert.ToHexString(sha.GetHashAndReset());
    }

    private static AppendItem FileItem(string path, HeapMeter? meter = null)
    {
        var item = Item([]);
        return item with
        {
            Size = new FileInfo(path).Length,
            OpenContent = () => meter is null ? File.OpenRead(path) : new MeteredStream(File.OpenRead(path), meter),
        };
    }

    private static async Task WriteBigMessageAsync(string path)
    {
        await using var file = File.Create(path);
        await file.WriteAsync(Crlf("thirty megabytes", "big@x").AsMemory());
        var line = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ab\r\n"u8.ToArray();
        while (file.Length + line.Length <= MessageBytes)
        {
            await file.WriteAsync(line);
        }
        await file.WriteAsync("no final newline"u8.ToArray().AsMemory(0, (int)Math.Min(16, MessageBytes - file.Length)));
    }

    private static string Sha256(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(file));
    }
}
