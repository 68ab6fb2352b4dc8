namespace Runbook.Lab.Corpus;

/// <summary><c>small</c>: tens of messages covering every oddity (tests); <c>bench</c>: ~2,500 per account (benchmarks);
/// <c>many</c>: 20 ordinary messages spread over 15 folders, the shape of most mailboxes in a hosting move (bench/bench.sh
/// seeds 200 of them).</summary>
internal enum CorpusProfile { Small, Bench, Many }

/// <summary>What to generate. <see cref="IncludeHuge"/> adds the 30 MB message (slow to migrate, so opt-in);
/// <see cref="InboxOnly"/> puts everything in INBOX: the same mail as a POP3 account sees it.</summary>
internal sealed record CorpusOptions(CorpusProfile Profile, int Seed, bool IncludeHuge = false, bool InboxOnly = false);

/// <summary>One generated message: its exact file bytes and IMAP metadata. Folder is a '/' path ("INBOX", "取引先/2024").</summary>
internal sealed record CorpusMessage(
    string Folder,
    string Label,
    byte[] Bytes,
    IReadOnlyList<string> Flags,
    IReadOnlyList<string> Keywords,
    DateTimeOffset InternalDate,
    string? MessageId);

/// <summary>What a seeded message looks like to an IMAP client reading the old server.</summary>
internal sealed record ManifestMessage(
    string Label,
    // SHA-256 (hex) of the bytes the old server serves for BODY.PEEK[] (see ServedBytes).
    string Sha256,
    long Size,
    // SHA-256 of the bytes written to the Maildir file.
    string StoredSha256,
    string? MessageId,
    IReadOnlyList<string> Flags,
    IReadOnlyList<string> Keywords,
    DateTimeOffset InternalDate);

/// <summary>One folder: its '/' path, its name on the old server, and its messages.</summary>
internal sealed record ManifestFolder(string Path, string ServerName, int Count, long Bytes, IReadOnlyList<ManifestMessage> Messages);

/// <summary>Everything the seeder stored in one account, for completeness checks after a migration.</summary>
internal sealed record CorpusManifest(string Account, string Profile, int Seed, IReadOnlyList<ManifestFolder> Folders)
{
    public int Count => Folders.Sum(f => f.Count);
    public long Bytes => Folders.Sum(f => f.Bytes);
}
