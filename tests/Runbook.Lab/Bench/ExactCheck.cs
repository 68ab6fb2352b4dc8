namespace Runbook.Lab.Bench;

/// <summary>A check's result, as bench/bench.sh reads it (JSON).</summary>
internal sealed record ExactReport(
    bool Exact, bool ExactWithoutXTuid, int SourceMessages, long SourceBytes, int DestinationMessages, IReadOnlyList<string> Differences);

/// <summary>Reads every folder of the accounts on both lab servers and compares the bytes (<see cref="ExactComparison"/>).</summary>
internal sealed class ExactCheck(LabEnvironment lab)
{
    public async Task<ExactReport> RunAsync(IReadOnlyList<AccountPair> accounts, int concurrency, CancellationToken cancellationToken)
    {
        var source = new List<(FolderDigest Plain, FolderDigest Stripped, long Bytes)>();
        var destination = new List<(FolderDigest Plain, FolderDigest Stripped, long Bytes)>();
        await Parallel.ForEachAsync(accounts, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (pair, token) =>
            {
                var old = await DigestAsync(lab.Old.Imap, pair.Old, pair.Old, token);
                var @new = await DigestAsync(lab.New.Imap, pair.New, pair.Old, token);
                lock (source)
                {
                    source.AddRange(old);
                    destination.AddRange(@new);
                }
            });
        var plain = ExactComparison.Compare([.. source.Select(f => f.Plain)], [.. destination.Select(f => f.Plain)]);
        var stripped = ExactComparison.Compare([.. source.Select(f => f.Stripped)], [.. destination.Select(f => f.Stripped)]);
        return new ExactReport(plain.Exact, stripped.Exact, plain.SourceMessages, source.Sum(f => f.Bytes),
            plain.DestinationMessages, [.. plain.Differences.Take(20)]);
    }

    private async Task<List<(FolderDigest, FolderDigest, long)>> DigestAsync(LabEndpoint endpoint, string login, string account, CancellationToken cancellationToken)
    {
        var folders = new List<(FolderDigest, FolderDigest, long)>();
        await using var wire = await ImapWire.LoginAsync(endpoint, login, lab.Password, cancellationToken);
        foreach (var folder in await WireMailbox.FoldersAsync(wire, cancellationToken))
        {
            var plain = new List<string>();
            var stripped = new List<string>();
            long bytes = 0;
            await WireMailbox.ReadAsync(wire, folder.Name, 200, batch =>
            {
                foreach (var message in batch)
                {
                    plain.Add(ExactComparison.Sha256(message.Bytes));
                    stripped.Add(ExactComparison.Sha256(ExactComparison.WithoutXTuid(message.Bytes)));
                    bytes += message.Bytes.Length;
                }
                return Task.CompletedTask;
            }, cancellationToken);
            folders.Add((new FolderDigest(account, folder.Name, plain), new FolderDigest(account, folder.Name, stripped), bytes));
        }
        return folders;
    }
}
