using System.Text.Json;
using System.Text.Json.Serialization;

namespace Runbook.Adapters.Backup;

/// <summary>
/// One account's backup in one target: every folder by its real server name, every message by source UIDVALIDITY and
/// UID (or POP3 UIDL), with the SHA-256 of its exact bytes and where they are. The manifest is the truth of a backup:
/// a message is in the backup when, and only when, the manifest names it (written after its file, atomically).
/// </summary>
internal sealed class BackupManifest
{
    public const string FileName = "manifest.json";

    public int Version { get; set; } = 1;
    public required string Account { get; set; }
    /// <summary>"old" or "new": which of the plan's servers was backed up.</summary>
    public required string Server { get; set; }
    /// <summary>"imap" or "pop3".</summary>
    public required string Protocol { get; set; }
    public required string Format { get; set; }
    public string NamespacePrefix { get; set; } = "";
    public char Separator { get; set; } = '/';
    public DateTimeOffset UpdatedAt { get; set; }
    public List<ManifestFolder> Folders { get; set; } = [];

    public ManifestFolder? Find(string name) => Folders.Find(f => f.Name == name);

    public static async Task<BackupManifest?> LoadAsync(string accountRoot, CancellationToken cancellationToken)
    {
        var path = Path.Combine(accountRoot, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        await using var stream = File.OpenRead(path);
        try
        {
            return await JsonSerializer.DeserializeAsync(stream, ManifestJson.Default.BackupManifest, cancellationToken);
        }
        catch (JsonException ex)
        {
            throw new BackupStoreException($"{path} is not a readable backup manifest ({ex.Message}); move it away to start a new backup there");
        }
    }

    public Task SaveAsync(string accountRoot, CancellationToken cancellationToken) =>
        AtomicFile.WriteAsync(Path.Combine(accountRoot, FileName), JsonSerializer.SerializeToUtf8Bytes(this, ManifestJson.Default.BackupManifest), cancellationToken);
}

/// <summary>A folder as the server named it (<see cref="Name"/>), and where the format keeps it (<see cref="Path"/>, sanitised).</summary>
internal sealed class ManifestFolder
{
    public required string Name { get; set; }
    public string? SpecialUse { get; set; }
    /// <summary>Relative to the account's folder in the target; never leaves it (see <see cref="SafeNames"/>).</summary>
    public required string Path { get; set; }
    /// <summary>The folder's UIDVALIDITY at the last run (0 for POP3).</summary>
    public uint UidValidity { get; set; }
    /// <summary>Messages the server listed at the last run (for verification against the server's count).</summary>
    public int ServerCount { get; set; }
    public List<ManifestMessage> Messages { get; set; } = [];
}

/// <summary>One backed-up message: its source identity, what the server said of it, and where its exact bytes are.</summary>
internal sealed class ManifestMessage
{
    public uint UidValidity { get; set; }
    public uint Uid { get; set; }
    /// <summary>UID as text, or the POP3 UIDL.</summary>
    public required string SourceId { get; set; }
    public long Size { get; set; }
    public required string Sha256 { get; set; }
    public List<string> Flags { get; set; } = [];
    public List<string> Keywords { get; set; } = [];
    public DateTimeOffset? InternalDate { get; set; }
    public string? MessageId { get; set; }
    public required string HeaderDigest { get; set; }
    /// <summary>Relative to the account's folder in the target.</summary>
    public required string File { get; set; }
    /// <summary>mbox only: where the quoted message starts in <see cref="File"/> and how many bytes it takes there.</summary>
    public long? Offset { get; set; }
    public long? Length { get; set; }
    /// <summary>mbox only: the message has no final newline, so the file adds one before the blank separator line.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool TrailerNewline { get; set; }
    /// <summary>When a run found the message gone from the server; the backup keeps it.</summary>
    public DateTimeOffset? GoneAt { get; set; }
}

/// <summary>Generated (de)serialisation: a scheduled run loads manifests of thousands of entries without reflection warm-up.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = true)]
[JsonSerializable(typeof(BackupManifest))]
internal sealed partial class ManifestJson : JsonSerializerContext;
