using Runbook.Adapters.Mail;

namespace Runbook.Steps.Verify;

/// <summary>Reads folders of one server for verification: index, then identities, then bodies in large pipelined batches hashed as they stream.</summary>
internal static class MailboxReader
{
    /// <summary>Messages per FETCH: large enough to keep the connection busy, small enough to bound the bookkeeping.</summary>
    private const int BatchMessages = 1000;
    private const long BatchBytes = 64L * 1024 * 1024;

    public static async Task<FolderContent> ReadAsync(IMailSource server, string folder, string name, bool content, Action<long>? progress, CancellationToken cancellationToken)
    {
        var index = await server.IndexAsync(folder, cancellationToken);
        if (!content || index.Messages.Count == 0)
        {
            return new FolderContent(name, true, index.UidValidity, index.Messages, []);
        }

        var facts = new List<MessageFacts>(index.Messages.Count);
        foreach (var chunk in index.Messages.Chunk(BatchMessages * 4))
        {
            var described = await server.DescribeAsync(folder, chunk, cancellationToken);
            foreach (var batch in Batches(described))
            {
                var sinks = new Dictionary<string, HashingSink>(StringComparer.Ordinal);
                await server.CopyRawManyAsync(folder, batch, m => sinks[m.SourceId] = new HashingSink(), cancellationToken);
                foreach (var message in batch)
                {
                    // A message expunged between the index and the fetch is simply not there any more: not read, not listed.
                    if (sinks.TryGetValue(message.SourceId, out var sink))
                    {
                        facts.Add(Facts(name, message, sink));
                    }
                }

                progress?.Invoke(batch.Count);
            }
        }

        return new FolderContent(name, true, index.UidValidity, index.Messages, facts);
    }

    /// <summary>Identity (Message-ID, header digest) comes from the bytes just read, never from what an adapter parsed.</summary>
    private static MessageFacts Facts(string folder, SourceMessage message, HashingSink sink) => new()
    {
        Folder = folder,
        SourceId = message.SourceId,
        Uid = message.Uid,
        Size = sink.Length64,
        Sha256 = sink.Sha256,
        Flags = message.Flags,
        Keywords = message.Keywords,
        InternalDate = message.InternalDate,
        Head = new HeaderFacts(sink.Header, sink.Length64),
    };

    private static IEnumerable<IReadOnlyList<SourceMessage>> Batches(IReadOnlyList<SourceMessage> messages)
    {
        var batch = new List<SourceMessage>();
        long bytes = 0;
        foreach (var message in messages)
        {
            if (batch.Count > 0 && (batch.Count >= BatchMessages || bytes + message.Size > BatchBytes))
            {
                yield return batch;
                batch = [];
                bytes = 0;
            }

            batch.Add(message);
            bytes += message.Size;
        }

        if (batch.Count > 0)
        {
            yield return batch;
        }
    }
}
