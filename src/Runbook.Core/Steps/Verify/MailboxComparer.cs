using System.Globalization;
using Runbook.Engine;

namespace Runbook.Steps.Verify;

/// <summary>
/// Compares one account's two mailboxes as read. Identity is the SHA-256 of the bytes each server serves; each
/// destination copy is claimed once, so two identical source messages need two copies. Copies with the same
/// attributes are claimed first, so a flag change shows on the message that has it. The ledger only explains.
/// </summary>
internal static class MailboxComparer
{
    public static AccountComparison Compare(AccountRead read, bool content)
    {
        var counts = Counts(read);
        if (!content)
        {
            return new AccountComparison(read.Account.Email, read.Pop3, counts, [], counts.Sum(c => c.SourceCount), 0);
        }

        var claimed = new HashSet<MessageFacts>(ReferenceEqualityComparer.Instance);
        var issues = new List<MessageIssue>();
        var leftovers = new List<(MessageFacts Message, string Destination)>();
        var matched = 0;
        foreach (var group in read.Map.ByDestination())
        {
            var sources = group.SelectMany(r => read.Source[r.Source].Messages).ToList();
            var destination = read.Destination[group.Key].Messages;
            var bySha = destination.ToLookup(m => m.Sha256, StringComparer.Ordinal);
            var open = new List<MessageFacts>();
            foreach (var source in sources)
            {
                // First pass: same bytes and same attributes (POP3 has no attributes to compare).
                if (Claim(bySha[source.Sha256], claimed, d => read.Pop3 || d.Attributes == source.Attributes) is not null)
                {
                    matched++;
                    continue;
                }

                open.Add(source);
            }

            foreach (var source in open)
            {
                if (Claim(bySha[source.Sha256], claimed, _ => true) is { } differs)
                {
                    matched++;
                    issues.Add(new MessageIssue(IssueKind.AttributesDiffer, source.Folder, group.Key, source, $"old [{source.Attributes}], new [{differs.Attributes}]"));
                }
                else if (Claim(destination, claimed, d => SameIdentity(source, d)) is { } altered)
                {
                    issues.Add(new MessageIssue(IssueKind.Altered, source.Folder, group.Key, source,
                        $"new UID {altered.Uid} has the same identity but other bytes: SHA-256 {Short(source.Sha256)} ({source.Size} bytes) on the old server, {Short(altered.Sha256)} ({altered.Size} bytes) on the new"));
                }
                else
                {
                    leftovers.Add((source, group.Key));
                }
            }
        }

        Explain(read, leftovers, claimed, issues);
        foreach (var group in read.Map.ByDestination())
        {
            var shas = group.SelectMany(r => read.Source[r.Source].Messages).Select(m => m.Sha256).ToHashSet(StringComparer.Ordinal);
            foreach (var left in read.Destination[group.Key].Messages.Where(m => !claimed.Contains(m)))
            {
                issues.Add(shas.Contains(left.Sha256)
                    ? new MessageIssue(IssueKind.Duplicated, string.Join(", ", group.Select(r => r.Source)), group.Key, left, $"one more copy than the old server has (new UID {left.Uid})")
                    : new MessageIssue(IssueKind.Extra, "", group.Key, left, $"new UID {left.Uid}"));
            }
        }

        return new AccountComparison(read.Account.Email, read.Pop3, counts, issues, counts.Sum(c => c.SourceCount), matched);
    }

    /// <summary>Source messages with no copy in their folder: moved or deleted by a person (the ledger shows the copy), else missing.</summary>
    private static void Explain(AccountRead read, List<(MessageFacts Message, string Destination)> leftovers, HashSet<MessageFacts> claimed, List<MessageIssue> issues)
    {
        var ledger = read.Ledger.ToLookup(e => (e.SourceFolder, e.SourceUidValidity, e.SourceId));
        var elsewhere = read.Destination.Values.SelectMany(f => f.Messages).ToLookup(m => m.Sha256, StringComparer.Ordinal);
        foreach (var (message, destination) in leftovers)
        {
            var entry = ledger[(message.Folder, read.Source[message.Folder].UidValidity, message.SourceId)].FirstOrDefault();
            var copied = entry is null ? null : $"copied {entry.At.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)} by {entry.StepId} into {entry.DestinationFolder} UID {entry.DestinationUid}";
            var moved = Claim(elsewhere[message.Sha256], claimed, d => d.Folder != destination);
            issues.Add((moved, entry) switch
            {
                ({ } to, not null) => new MessageIssue(IssueKind.MovedAfterCopy, message.Folder, destination, message, $"now in {to.Folder} UID {to.Uid}; {copied}"),
                ({ } to, null) => new MessageIssue(IssueKind.Missing, message.Folder, destination, message, $"not in {destination}; the same bytes are in {to.Folder} UID {to.Uid}, with no record of a copy"),
                (null, not null) => new MessageIssue(IssueKind.DeletedAfterCopy, message.Folder, destination, message, $"{copied}; no longer anywhere on the new server"),
                _ => new MessageIssue(IssueKind.Missing, message.Folder, destination, message),
            });
        }
    }

    private static List<FolderCount> Counts(AccountRead read)
    {
        var ledger = read.Ledger.ToLookup(e => e.DestinationFolder, StringComparer.Ordinal);
        var counts = new List<FolderCount>();
        foreach (var group in read.Map.ByDestination())
        {
            var destination = read.Destination[group.Key];
            var present = destination.Index.Select(m => m.Uid).ToHashSet();
            var sources = group.Select(r => read.Source[r.Source]).ToList();
            var current = sources.SelectMany(s => s.Index.Select(m => (s.Name, s.UidValidity, m.SourceId))).ToHashSet();
            // A copy the ledger places in this folder whose UID is gone from it, for a source message still there: a person removed it.
            var removed = ledger[group.Key].Count(e => e.DestinationUid != 0 && e.DestinationUidValidity == destination.UidValidity
                && !present.Contains(e.DestinationUid) && current.Contains((e.SourceFolder, e.SourceUidValidity, e.SourceId)));
            counts.Add(new FolderCount([.. group.Select(r => r.Source)], group.Key, destination.Exists, sources.Sum(s => s.Count), destination.Count, removed));
        }

        return counts;
    }

    private static MessageFacts? Claim(IEnumerable<MessageFacts> candidates, HashSet<MessageFacts> claimed, Func<MessageFacts, bool> fits)
    {
        foreach (var candidate in candidates)
        {
            if (!claimed.Contains(candidate) && fits(candidate))
            {
                claimed.Add(candidate);
                return candidate;
            }
        }

        return null;
    }

    private static bool SameIdentity(MessageFacts source, MessageFacts copy) =>
        (source.MessageId is not null && source.MessageId == copy.MessageId) || source.HeaderDigest == copy.HeaderDigest;

    internal static string Short(string sha) => sha[..16];
}
