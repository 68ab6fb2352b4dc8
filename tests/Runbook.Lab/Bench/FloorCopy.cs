using System.Threading.Channels;

namespace Runbook.Lab.Bench;

/// <summary>What a floor copy moved.</summary>
internal sealed record FloorResult(int Messages, long Bytes);

/// <summary>
/// The benchmark's floor: the plainest fast copy of every folder of each account from the old lab server to the new
/// one. Per account one connection fetches (FETCH BODY.PEEK[] in batches of 200) while a second one appends the
/// previous batches (MULTIAPPEND with LITERAL+); accounts run <c>concurrency</c> at a time. It checks nothing,
/// remembers nothing and retries nothing, so no migrator that does those things can beat it. With <c>tls</c> both
/// sides use IMAPS (the lab CA trusted).
/// </summary>
internal sealed class FloorCopy(LabEnvironment lab, bool tls = false)
{
    private const int FetchBatch = 200;
    private const int AppendBatch = 100;
    private const long AppendBytes = 8L << 20;

    public async Task<FloorResult> RunAsync(IReadOnlyList<AccountPair> accounts, int concurrency, CancellationToken cancellationToken)
    {
        var messages = 0;
        long bytes = 0;
        await Parallel.ForEachAsync(accounts, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (pair, token) =>
            {
                var (count, size) = await CopyAccountAsync(pair, token);
                Interlocked.Add(ref messages, count);
                Interlocked.Add(ref bytes, size);
            });
        return new FloorResult(messages, bytes);
    }

    private async Task<(int Count, long Bytes)> CopyAccountAsync(AccountPair pair, CancellationToken cancellationToken)
    {
        var ca = tls ? lab.Ca.File : null;
        await using var source = await ImapWire.LoginAsync(tls ? lab.Old.Imaps : lab.Old.Imap, pair.Old, lab.Password, cancellationToken, ca);
        await using var destination = await ImapWire.LoginAsync(tls ? lab.New.Imaps : lab.New.Imap, pair.New, lab.Password, cancellationToken, ca);
        var queue = Channel.CreateBounded<(string Folder, List<WireMessage> Batch)>(4);
        var producer = Task.Run(async () =>
        {
            try
            {
                foreach (var folder in await WireMailbox.FoldersAsync(source, cancellationToken))
                {
                    var target = DestinationName(folder);
                    await WireMailbox.ReadAsync(source, folder.Name, FetchBatch,
                        batch => queue.Writer.WriteAsync((target, batch), cancellationToken).AsTask(), cancellationToken);
                }
            }
            finally
            {
                queue.Writer.Complete();
            }
        }, cancellationToken);
        var created = new HashSet<string>(StringComparer.Ordinal) { "INBOX" };
        var count = 0;
        long bytes = 0;
        await foreach (var (folder, batch) in queue.Reader.ReadAllAsync(cancellationToken))
        {
            if (created.Add(folder))
            {
                await CreateAsync(destination, folder, cancellationToken);
            }
            foreach (var chunk in Chunks(batch))
            {
                await destination.AppendAsync(folder, chunk, cancellationToken);
                count += chunk.Count;
                bytes += chunk.Sum(m => (long)m.Bytes.Length);
            }
        }
        await producer;
        return (count, bytes);
    }

    /// <summary>Old layout to new: "INBOX.取引先.2024" (modified UTF-7 on both sides) becomes "取引先/2024".</summary>
    internal static string DestinationName(WireFolder folder)
    {
        var prefix = "INBOX" + folder.Separator;
        var name = folder.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? folder.Name[prefix.Length..] : folder.Name;
        return name.Replace(folder.Separator, '/');
    }

    private static async Task CreateAsync(ImapWire destination, string folder, CancellationToken cancellationToken)
    {
        try
        {
            await destination.CommandAsync($"CREATE {ImapWire.Quote(folder)}", null, cancellationToken);
        }
        catch (IOException e) when (e.Message.Contains("ALREADYEXISTS", StringComparison.OrdinalIgnoreCase)
            || e.Message.Contains("already exists", StringComparison.OrdinalIgnoreCase))
        {
            // Special-use folders (Sent, Trash…) exist on the new server from the first login.
        }
    }

    private static IEnumerable<List<WireMessage>> Chunks(List<WireMessage> batch)
    {
        var chunk = new List<WireMessage>(AppendBatch);
        long size = 0;
        foreach (var message in batch)
        {
            if (chunk.Count > 0 && (chunk.Count == AppendBatch || size + message.Bytes.Length > AppendBytes))
            {
                yield return chunk;
                chunk = new List<WireMessage>(AppendBatch);
                size = 0;
            }
            chunk.Add(message);
            size += message.Bytes.Length;
        }
        if (chunk.Count > 0)
        {
            yield return chunk;
        }
    }
}

/// <summary>An account's login on the old server and on the new one.</summary>
internal sealed record AccountPair(string Old, string New)
{
    /// <summary>Reads "OLD NEW" (or "OLD") lines.</summary>
    public static IReadOnlyList<AccountPair> ReadFile(string path) =>
        [.. File.ReadAllLines(path).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(p => p.Length > 0)
            .Select(p => new AccountPair(p[0], p.Length > 1 ? p[1] : p[0]))];
}
