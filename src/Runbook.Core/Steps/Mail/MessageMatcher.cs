using Runbook.Adapters.Mail;

namespace Runbook.Steps.Mail;

/// <summary>
/// The destination as a multiset of identities, and the matching of source messages against it. A source message
/// is matched by Message-ID and size when that id is unique among the sources being matched, otherwise by header
/// digest and size: a different message that reuses a Message-ID never hides the one to copy. Each destination
/// message can be claimed once, so n equal source identities need n destination copies.
/// </summary>
internal sealed class MessageMatcher
{
    private readonly Dictionary<(string Id, long Size), Queue<DestinationMessage>> _byMessageId = [];
    private readonly Dictionary<(string Digest, long Size), Queue<DestinationMessage>> _byDigest = [];
    private readonly HashSet<uint> _claimed = [];

    public MessageMatcher(IEnumerable<DestinationMessage> destination)
    {
        foreach (var message in destination.OrderBy(m => m.Uid))
        {
            var id = NormaliseMessageId(message.MessageId);
            if (id is not null)
            {
                Enqueue(_byMessageId, (id, message.Size), message);
            }

            Enqueue(_byDigest, (message.HeaderDigest, message.Size), message);
        }
    }

    /// <summary>
    /// Splits <paramref name="sources"/> into those already on the destination (with the claimed destination UID) and
    /// those still missing. Call once per source folder; several calls on one matcher share the claims (folder merges).
    /// </summary>
    public MatchResult Match(IReadOnlyList<SourceMessage> sources)
    {
        var idCounts = sources
            .Select(s => NormaliseMessageId(s.MessageId))
            .OfType<string>()
            .GroupBy(id => id, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

        var present = new List<(SourceMessage Source, uint DestinationUid)>();
        var missing = new List<SourceMessage>();
        foreach (var source in sources)
        {
            var id = NormaliseMessageId(source.MessageId);
            var useId = id is not null && idCounts[id] == 1;
            var hit = useId ? Claim(_byMessageId, (id!, source.Size)) : Claim(_byDigest, (source.HeaderDigest, source.Size));
            if (hit is null)
            {
                missing.Add(source);
            }
            else
            {
                present.Add((source, hit.Uid));
            }
        }

        return new MatchResult(present, missing);
    }

    internal static string? NormaliseMessageId(string? messageId)
    {
        var trimmed = messageId?.Trim().TrimStart('<').TrimEnd('>').Trim();
        return string.IsNullOrEmpty(trimmed) ? null : trimmed;
    }

    private DestinationMessage? Claim<TKey>(Dictionary<TKey, Queue<DestinationMessage>> index, TKey key)
        where TKey : notnull
    {
        if (!index.TryGetValue(key, out var queue))
        {
            return null;
        }

        // A message may sit in both indexes; the claimed set keeps one destination copy from counting twice.
        while (queue.TryDequeue(out var candidate))
        {
            if (_claimed.Add(candidate.Uid))
            {
                return candidate;
            }
        }

        return null;
    }

    private static void Enqueue<TKey>(Dictionary<TKey, Queue<DestinationMessage>> index, TKey key, DestinationMessage message)
        where TKey : notnull
    {
        if (!index.TryGetValue(key, out var queue))
        {
            index[key] = queue = new Queue<DestinationMessage>();
        }

        queue.Enqueue(message);
    }
}

/// <summary>Source messages already on the destination (with the destination UID they claimed) and those to copy.</summary>
internal sealed record MatchResult(
    IReadOnlyList<(SourceMessage Source, uint DestinationUid)> Present,
    IReadOnlyList<SourceMessage> Missing);
