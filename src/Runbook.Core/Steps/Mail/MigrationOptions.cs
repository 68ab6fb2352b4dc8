namespace Runbook.Steps.Mail;

/// <summary>Tuning of a copy pass; defaults suit a shared-hosting source.</summary>
internal sealed record MigrationOptions
{
    /// <summary>Accounts copied at the same time (further capped by each server's connection limit).</summary>
    public int Concurrency { get; init; } = 4;
    public int BatchSize { get; init; } = 100;
    /// <summary>A batch is also cut at this many bytes, so the spool on disk stays bounded too.</summary>
    public long BatchBytes { get; init; } = 64L * 1024 * 1024;
    public int RetryAttempts { get; init; } = 4;
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromSeconds(2);
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>One folder taking longer than this fails that folder, not the run.</summary>
    public TimeSpan FolderTimeout { get; init; } = TimeSpan.FromMinutes(30);
    /// <summary>Where message bytes are spooled between FETCH and APPEND.</summary>
    public required string SpoolDirectory { get; init; }
    /// <summary>The source is POP3: one folder, identity by UIDL plus content.</summary>
    public bool Pop3 { get; init; }
    /// <summary>Copy again what the ledger shows as copied and a person has since deleted or moved on the new server (<c>recopy_deleted</c>).</summary>
    public bool RecopyDeleted { get; init; }
    /// <summary>How a stored copy is checked: size always, bytes of the messages at risk (default) or of all (<c>verify_appends: hash</c>).</summary>
    public VerifyAppends VerifyAppends { get; init; } = VerifyAppends.Risky;
    /// <summary>Repairs applied before APPEND to messages that need them (<c>repair:</c>); none by default.</summary>
    public Repair.RepairKinds Repairs { get; init; }
    /// <summary>Where the originals of repaired messages are kept (beside the state); null: no repair can run.</summary>
    public string? QuarantineDirectory { get; init; }
}

/// <summary>Which stored copies have their bytes read back and hashed (every copy's size is always compared).</summary>
internal enum VerifyAppends { Risky, Hash }
