using System.Text.Json.Nodes;

namespace Runbook.Plan.Model;

/// <summary>A validated, fully expanded plan (imports merged, CSV accounts read). Immutable.</summary>
public sealed record RunbookPlan
{
    public required string Name { get; init; }
    public string? Description { get; init; }

    /// <summary>IANA time zone id; windows are evaluated in this zone.</summary>
    public required string Timezone { get; init; }

    /// <summary>The plan file the user named; state and reports default to paths beside it.</summary>
    public required string SourcePath { get; init; }

    /// <summary>SHA-256 (hex) of the canonical JSON of the expanded plan.</summary>
    public required string Hash { get; init; }

    /// <summary>The expanded plan as JSON, the thing that was validated and hashed.</summary>
    public required JsonObject Expanded { get; init; }

    public required IReadOnlyDictionary<string, ServerDefinition> Servers { get; init; }
    public required IReadOnlyList<AccountDefinition> Accounts { get; init; }
    public FolderMapping Folders { get; init; } = new();
    public IReadOnlyList<BackupTarget> BackupTargets { get; init; } = [];
    /// <summary><c>backup.verify</c>: mail.backup re-reads what it wrote and checks it against the manifest and the server.</summary>
    public bool BackupVerify { get; init; } = true;
    public DnsSettings? Dns { get; init; }
    public IReadOnlyDictionary<string, WindowDefinition> Windows { get; init; } = new Dictionary<string, WindowDefinition>();
    public VerificationRules Verification { get; init; } = new();
    public IReadOnlyList<NotificationDefinition> Notifications { get; init; } = [];
    public ReportSettings Report { get; init; } = new();
    public StateSettings State { get; init; } = new();
    public required IReadOnlyList<StepDefinition> Steps { get; init; }
}
