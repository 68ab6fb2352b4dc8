namespace Runbook.Steps.Mail;

/// <summary>A message the destination refused; reported, never skipped silently.</summary>
internal sealed record MessageRejection(string Account, string Folder, string SourceId, long Size, string Reason);

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
    /// <summary>True when only messages after the checkpoint were listed.</summary>
    public bool Incremental { get; init; }
    public string? Error { get; init; }
}

/// <summary>What a pass did for one account.</summary>
internal sealed record AccountResult
{
    public required string Account { get; init; }
    public IReadOnlyList<FolderRoute> Routes { get; init; } = [];
    public IReadOnlyList<FolderResult> Folders { get; init; } = [];
    public IReadOnlyList<MessageRejection> Rejections { get; init; } = [];
    public IReadOnlyList<DroppedKeywords> Dropped { get; init; } = [];
    public IReadOnlyList<string> Problems { get; init; } = [];
    public string? Error { get; init; }

    public bool Failed => Error is not null || Problems.Count > 0 || Folders.Any(f => f.Error is not null);
}
