using Runbook.Errors;

namespace Runbook.Steps.MailBackup;

/// <summary>What one account's backup found and did, per target.</summary>
internal sealed class AccountBackupResult(string account)
{
    public string Account => account;
    public int Folders { get; set; }
    public int ServerMessages { get; set; }
    /// <summary>Messages found gone from the server in this run (kept in the backup).</summary>
    public int Gone { get; set; }
    /// <summary>Messages fetched from the server in this run (once, whatever the number of targets).</summary>
    public int Fetched { get; set; }
    /// <summary>Messages some target lacks: what this run fetches.</summary>
    public int ToFetch { get; set; }
    public List<TargetResult> Targets { get; } = [];
    /// <summary>Per folder, what the server listed in this run: what verification compares the manifest with.</summary>
    public IReadOnlyDictionary<string, int> ServerCounts { get; set; } = new Dictionary<string, int>();
    public List<string> VerifyProblems { get; } = [];
    public string? Error { get; set; }
    public ExitCode? ExitCode { get; set; }
    public bool Retryable { get; set; }
    public bool Failed => Error is not null || VerifyProblems.Count > 0;
}

/// <summary>One target's share of an account's backup: planned (dry run) and written.</summary>
internal sealed record TargetResult(string Id, string Root, string Format)
{
    public int Planned { get; set; }
    public long PlannedBytes { get; set; }
    public long? FreeBytes { get; set; }
    public int Written { get; set; }
    public long WrittenBytes { get; set; }
    /// <summary>What this run wrote (<see cref="Adapters.Backup.BackupVerifier.Key"/>): the step's verification re-reads these.</summary>
    public HashSet<string> WrittenKeys { get; } = new(StringComparer.Ordinal);
    /// <summary>What the target's manifest holds after this run (messages gone from the server included: they are kept).</summary>
    public int HeldMessages { get; set; }
    public long HeldBytes { get; set; }
    /// <summary>Null when not verified (<c>backup.verify: false</c>); otherwise what the step's verification found.</summary>
    public BackupCheckResult? Verification { get; set; }
}

/// <summary>One target's verification in a backup run: how many messages were re-read in full, and every problem found.</summary>
internal sealed record BackupCheckResult(int Reread, IReadOnlyList<string> Problems);
