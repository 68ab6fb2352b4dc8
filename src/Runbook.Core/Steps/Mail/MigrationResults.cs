namespace Runbook.Steps.Mail;

/// <summary>A message the destination refused; reported, never skipped silently.</summary>
internal sealed record MessageRejection(string Account, string Folder, string SourceId, long Size, string Reason)
{
    public uint UidValidity { get; init; }
}

/// <summary>A message repaired before APPEND (<c>repair:</c>): what changed, and where its original bytes are kept.</summary>
internal sealed record MessageRepaired(string Account, string Folder, string SourceId, IReadOnlyList<string> Changes, string Original);

/// <summary>A message the new server stored with other bytes than were sent (e.g. 8-bit header bytes replaced by X).</summary>
internal sealed record MessageAlteration(string Account, string Folder, uint UidValidity, string SourceId, long Size, string Destination, uint DestinationUid, string? Software, string What);

/// <summary>Flags or keywords the destination refused for one message, which was still copied without them.</summary>
internal sealed record DroppedKeywords(string Account, string Folder, string SourceId, IReadOnlyList<string> Keywords);

/// <summary>Counts for one source folder → destination folder.</summary>
internal sealed record FolderResult
{
    public required string Account { get; init; }
    public required string Source { get; init; }
    public required string Destination { get; init; }
    public int Listed { get; init; }
    public int Present { get; init; }
    public int Missing { get; init; }
    public long MissingBytes { get; init; }
    public int Copied { get; init; }
    public long CopiedBytes { get; init; }
    public int Rejected { get; init; }
    /// <summary>Appended, but stored with other bytes (counted apart from <see cref="Copied"/>).</summary>
    public int Altered { get; init; }
    /// <summary>Repaired before APPEND (counted among <see cref="Copied"/>; the originals are kept).</summary>
    public int Repaired { get; init; }
    /// <summary>Copied before (the ledger says so) and since deleted or moved away on the new server by a person: not copied again.</summary>
    public int Deleted { get; init; }
    /// <summary>The source folder had not changed since the last completed pass: nothing was listed, the counts are that pass's.</summary>
    public bool Unchanged { get; init; }
    /// <summary>What to remember of the source folder now that its pass completed (null: nothing, the next pass scans in full).</summary>
    public Runbook.Engine.FolderState? Seen { get; init; }
    public string? Error { get; init; }
}

/// <summary>What a pass did for one account.</summary>
internal sealed record AccountResult
{
    public required string Account { get; init; }
    public IReadOnlyList<FolderRoute> Routes { get; init; } = [];
    public IReadOnlyList<FolderResult> Folders { get; init; } = [];
    public IReadOnlyList<MessageRejection> Rejections { get; init; } = [];
    public IReadOnlyList<MessageAlteration> Alterations { get; init; } = [];
    public IReadOnlyList<MessageRepaired> Repairs { get; init; } = [];
    public IReadOnlyList<DroppedKeywords> Dropped { get; init; } = [];
    public IReadOnlyList<string> Problems { get; init; } = [];
    public string? Error { get; init; }
    /// <summary>True when the error is worth another try (connection lost, server busy), false when it needs a person (wrong password, mapping).</summary>
    public bool Retryable { get; init; }
    /// <summary>The exit code the error would have on its own (77 login refused, 69 unreachable), when it came with one.</summary>
    public Runbook.Errors.ExitCode? ExitCode { get; init; }
    /// <summary>True when the account had no ledger yet while its destination held mail: every message was matched by content.</summary>
    public bool ContentMatchOnly { get; init; }

    public bool Failed => Error is not null || Problems.Count > 0 || Folders.Any(f => f.Error is not null);
}
