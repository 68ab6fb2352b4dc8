using System.Security.Cryptography;

namespace Runbook.Lab.Bench;

/// <summary>A non-empty folder's content: the SHA-256 (hex) of each message's exact bytes, sorted (a multiset).</summary>
internal sealed record FolderDigest(string Account, string Folder, IReadOnlyList<string> Hashes)
{
    public string Key { get; } = string.Join(',', Hashes.Order(StringComparer.Ordinal));
}

/// <summary>The verdict of a byte-for-byte check of a copy against its source.</summary>
internal sealed record ExactResult(bool Exact, int SourceMessages, int DestinationMessages, IReadOnlyList<string> Differences);

/// <summary>
/// Exact means: per account, every non-empty source folder has a destination folder holding the very same multiset of
/// message bytes, and no destination folder holds anything else. Folder names are not compared (each tool maps
/// "INBOX.Spam" its own way), and a destination folder may be the exact union of several source folders (Runbook puts
/// "Sent" and "送信済み" into the one \Sent folder on purpose); a message copied twice, changed by one byte or put into
/// a folder its source folder does not map to is a difference.
/// </summary>
internal static class ExactComparison
{
    public static ExactResult Compare(IReadOnlyList<FolderDigest> source, IReadOnlyList<FolderDigest> destination)
    {
        var differences = new List<string>();
        foreach (var account in source.Select(f => f.Account).Union(destination.Select(f => f.Account)).Order(StringComparer.Ordinal))
        {
            var unmatched = destination.Where(f => f.Account == account && f.Hashes.Count > 0).ToList();
            var unmatchedSource = new List<FolderDigest>();
            foreach (var folder in source.Where(f => f.Account == account && f.Hashes.Count > 0))
            {
                var match = unmatched.FindIndex(d => d.Key == folder.Key);
                if (match >= 0)
                {
                    unmatched.RemoveAt(match);
                }
                else
                {
                    unmatchedSource.Add(folder);
                }
            }
            foreach (var merged in unmatched.ToList())
            {
                var parts = unmatchedSource.Where(s => IsSubset(s.Hashes, merged.Hashes)).ToList();
                if (parts.Count > 1 && Counts(parts.SelectMany(p => p.Hashes)).OrderBy(p => p.Key, StringComparer.Ordinal)
                        .SequenceEqual(Counts(merged.Hashes).OrderBy(p => p.Key, StringComparer.Ordinal)))
                {
                    unmatched.Remove(merged);
                    parts.ForEach(p => unmatchedSource.Remove(p));
                }
            }
            differences.AddRange(unmatchedSource.Select(f => $"{account}: source folder {f.Folder} ({f.Hashes.Count} messages) has no identical copy"));
            differences.AddRange(unmatched.Select(d => $"{account}: destination folder {d.Folder} ({d.Hashes.Count} messages) matches no source folder"));
        }
        return new ExactResult(differences.Count == 0, source.Sum(f => f.Hashes.Count), destination.Sum(f => f.Hashes.Count), differences);
    }

    private static Dictionary<string, int> Counts(IEnumerable<string> hashes) =>
        hashes.GroupBy(h => h, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    private static bool IsSubset(IReadOnlyList<string> part, IReadOnlyList<string> whole)
    {
        var available = Counts(whole);
        return Counts(part).All(p => available.TryGetValue(p.Key, out var n) && n >= p.Value);
    }

    public static string Sha256(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>The bytes without a header line starting "X-TUID:" (mbsync's marker), to say whether that is the only change.</summary>
    public static byte[] WithoutXTuid(byte[] bytes)
    {
        var span = bytes.AsSpan();
        var end = span.IndexOf("\r\n\r\n"u8);
        var headers = end < 0 ? span : span[..(end + 2)];
        var at = headers.StartsWith("X-TUID:"u8) ? 0 : headers.IndexOf("\r\nX-TUID:"u8) is var i and >= 0 ? i + 2 : -1;
        if (at < 0)
        {
            return bytes;
        }
        var lineEnd = span[at..].IndexOf("\r\n"u8);
        var cut = lineEnd < 0 ? span.Length - at : lineEnd + 2;
        return [.. span[..at], .. span[(at + cut)..]];
    }
}
