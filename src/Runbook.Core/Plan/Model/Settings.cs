namespace Runbook.Plan.Model;

/// <summary>How source folders become destination folders.</summary>
public sealed record FolderMapping
{
    public bool SpecialUse { get; init; } = true;
    /// <summary>Explicit source → destination names (source as the source server names it, destination with '/').</summary>
    public IReadOnlyDictionary<string, string> Map { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<FolderRename> Rename { get; init; } = [];
    /// <summary>Regular expressions matched against the source folder's full name.</summary>
    public IReadOnlyList<string> Exclude { get; init; } = [];
}

public sealed record FolderRename(string Match, string To);

public enum BackupFormat { Maildir, Mbox, Eml }

public sealed record BackupTarget
{
    public required string Id { get; init; }
    public required string Path { get; init; }
    public BackupFormat Format { get; init; } = BackupFormat.Maildir;
}

public enum DnsProviderKind { Rfc2136, Manual }

public sealed record DnsServerAddress(string Host, int Port = 53, string? Name = null);

public sealed record MxRecord(int Preference, string Host);

public sealed record TsigKey
{
    public required string Name { get; init; }
    public string Algorithm { get; init; } = "hmac-sha256";
    public required SecretReference Secret { get; init; }
}

public sealed record DnsSettings
{
    public required string Zone { get; init; }
    public IReadOnlyList<DnsServerAddress> Authoritative { get; init; } = [];
    public IReadOnlyList<DnsServerAddress> Resolvers { get; init; } = [];
    public DnsProviderKind Provider { get; init; } = DnsProviderKind.Manual;
    /// <summary>Where RFC 2136 updates go (defaults to the first authoritative server).</summary>
    public DnsServerAddress? UpdateServer { get; init; }
    public TsigKey? Key { get; init; }
    public IReadOnlyList<MxRecord> OldMx { get; init; } = [];
    public IReadOnlyList<MxRecord> NewMx { get; init; } = [];
    /// <summary>The TTL (seconds) the MX is lowered to before the switch.</summary>
    public int LoweredTtl { get; init; } = 300;
}

/// <summary>A named time window in the plan's timezone. <see cref="To"/> earlier than <see cref="From"/> crosses midnight.</summary>
public sealed record WindowDefinition
{
    public required string Name { get; init; }
    public IReadOnlyList<DayOfWeek> Days { get; init; } = Enum.GetValues<DayOfWeek>();
    public TimeOnly From { get; init; }
    public TimeOnly To { get; init; }
    public IReadOnlyList<DateOnly> Blackout { get; init; } = [];
}

public sealed record VerificationRules
{
    public bool Counts { get; init; } = true;
    public bool EveryMessage { get; init; } = true;
    public IReadOnlyList<ImportantMessage> Important { get; init; } = [];
    public bool MxEverywhere { get; init; } = true;
    public bool SendReceive { get; init; } = true;
    public bool Backups { get; init; } = true;
}

/// <summary>A message verify must find on the new server: by Message-ID, or by subject / sender / date range (after inclusive, before exclusive), in a source folder or anywhere.</summary>
public sealed record ImportantMessage(string Account, string? Folder, string? MessageId, string? Subject, string? From = null, DateOnly? After = null, DateOnly? Before = null);

public sealed record NotificationDefinition
{
    public required string Id { get; init; }
    /// <summary>Recipients; sent through the new server's SMTP endpoint.</summary>
    public IReadOnlyList<string> To { get; init; } = [];
    public string? From { get; init; }
    /// <summary>Events that trigger it: waiting, failed, done, approval.</summary>
    public IReadOnlyList<string> On { get; init; } = [];
    /// <summary>Language of the embedded templates: <c>ja</c> or <c>en</c> (the default).</summary>
    public string Language { get; init; } = "en";
}

public sealed record ReportSettings
{
    /// <summary>Output path, relative to the plan file.</summary>
    public string? Path { get; init; }
    public IReadOnlyList<string> Formats { get; init; } = ["html"];
    public string? Title { get; init; }
    /// <summary>Language of the embedded templates' labels: <c>ja</c> or <c>en</c>.</summary>
    public string Language { get; init; } = "en";
    /// <summary>The plan's own Scriban templates by format (<c>html</c>, <c>markdown</c>), resolved to full paths.</summary>
    public IReadOnlyDictionary<string, string> Templates { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
}

public sealed record StateSettings
{
    /// <summary>State database path; default is the plan file's path with <c>.runbook.db</c>.</summary>
    public string? Path { get; init; }

    /// <summary>SQLite (one machine) unless the plan asks for PostgreSQL (many workers).</summary>
    public StateBackendKind Backend { get; init; } = StateBackendKind.Sqlite;

    /// <summary>For PostgreSQL: where the connection string is (it holds a password, so it is a secret).</summary>
    public SecretReference? Connection { get; init; }
}

/// <summary>The state backends a plan can name in <c>state.backend</c>.</summary>
public enum StateBackendKind
{
    Sqlite,
    Postgres,
}
