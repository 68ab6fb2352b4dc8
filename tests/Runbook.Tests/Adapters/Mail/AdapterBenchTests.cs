using System.Diagnostics;
using Runbook.Adapters.Mail;
using Runbook.Adapters.Mail.Imap;
using Xunit.Abstractions;
using static Runbook.Tests.Adapters.Mail.MailLabMessages;

using Runbook.Tests.Lab;
using Runbook.Tests.Support;

namespace Runbook.Tests.Adapters.Mail;

/// <summary>Adapter throughput, measured and printed, never asserted. Runs only with RUNBOOK_BENCH=1.</summary>
[Collection("lab-memory")]
[Trait("Category", "Bench")]
public sealed class AdapterBenchTests(LabFixture fixture, ITestOutputHelper output)
{
    private static readonly CancellationToken None = CancellationToken.None;

    [BenchFact]
    public async Task Given_2000_small_messages_When_copied_with_batches_of_100_Then_throughput_is_printed()
    {
        var lab = new MailLab(fixture.Lab);
        var login = lab.NewLogin();
        var seed = Enumerable.Range(0, 2000).Select(i => Item([.. Crlf($"bench {i}", $"bench-{i}@x"), .. new byte[2000].Select(_ => (byte)'b')], ["Seen"])).ToList();
        foreach (var chunk in seed.Chunk(500))
        {
            await SeedAsync(lab.Old("imap"), login, "INBOX", chunk);
        }
        var watch = Stopwatch.StartNew();
        long bytes = 0;
        await using (var source = await ImapMailSource.ConnectAsync(lab.Old("imap"), login, None))
        await using (var destination = await ImapMailDestination.ConnectAsync(lab.New("imap"), login, None))
        {
            var messages = await source.ListMessagesAsync("INBOX", 0, None);
            var listed = watch.Elapsed;
            var fetching = new Stopwatch();
            var appending = new Stopwatch();
            foreach (var batch in messages.Chunk(100))
            {
                var items = new List<AppendItem>();
                fetching.Start();
                var buffers = batch.ToDictionary(m => m, _ => new MemoryStream());
                await source.CopyRawManyAsync("INBOX", batch, m => new KeepOpen(buffers[m]), None);
                foreach (var (message, buffer) in buffers)
                {
                    items.Add(Item(buffer.ToArray(), [.. message.Flags], [.. message.Keywords], message.InternalDate) with { Source = message });
                    bytes += buffer.Length;
                }
                fetching.Stop();
                appending.Start();
                await destination.AppendAsync("INBOX", items, None);
                appending.Stop();
            }
            output.WriteLine($"listing 2000: {listed.TotalMilliseconds:0} ms, fetching {fetching.ElapsedMilliseconds} ms, appending {appending.ElapsedMilliseconds} ms");
        }
        watch.Stop();
        output.WriteLine($"2000 messages, {bytes / 1048576.0:0.0} MB in {watch.Elapsed.TotalSeconds:0.00} s: " +
            $"{2000 / watch.Elapsed.TotalSeconds:0} msg/s, {bytes / 1048576.0 / watch.Elapsed.TotalSeconds:0.0} MB/s");
        Assert.Equal(2000, (await ListNewAsync(lab, login)).Count);
    }

    private static async Task<IReadOnlyList<DestinationMessage>> ListNewAsync(MailLab lab, MailLogin login)
    {
        await using var destination = await ImapMailDestination.ConnectAsync(lab.New("imap"), login, None);
        return await destination.ListMessagesAsync("INBOX", None);
    }
}

/// <summary>A lab measurement that runs only when RUNBOOK_BENCH=1 (it is slow and asserts no timing).</summary>
internal sealed class BenchFactAttribute : FactAttribute
{
    public BenchFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("RUNBOOK_BENCH") != "1")
        {
            Skip = "benchmarks run with RUNBOOK_BENCH=1";
        }
    }
}
