namespace Runbook.Adapters.Backup;

/// <summary>
/// One message to write: its manifest entry (File, Offset, Length are filled in by the format) and its exact bytes.
/// <paramref name="TakeFile"/>: a spool file on the target's own disk that a one-file-per-message format may flush and
/// rename into place instead of copying (the caller gives it to the last target that reads it).
/// </summary>
internal sealed record BackupItem(ManifestMessage Entry, Func<Stream> OpenContent, string? TakeFile = null);

/// <summary>
/// How a target lays out mail on disk (maildir, mbox, eml). Every path it returns is relative to the account's folder
/// and made of <see cref="SafeNames"/> segments; every write is atomic, so what the manifest names is complete.
/// </summary>
internal interface IBackupFormat
{
    string Name { get; }

    /// <summary>Where a folder goes, from its safe segments below the namespace (INBOX is <paramref name="inbox"/>).</summary>
    string FolderPath(IReadOnlyList<string> safeSegments, bool inbox);

    /// <summary>True for formats with one file per message, which can take a spool file (<see cref="BackupItem.TakeFile"/>).</summary>
    bool FilePerMessage => true;

    /// <summary>True when folder segments must also avoid '.' and be modified UTF-7 (Maildir++).</summary>
    bool MaildirNames => false;

    /// <summary>
    /// Writes a batch of one folder's messages and fills in where each one went. With <see cref="FilePerMessage"/> they
    /// are durable when this returns; otherwise (mbox) only after <see cref="CommitAsync"/>, which a run calls once per
    /// folder, so a folder's file is rewritten once per run, not once per batch.
    /// </summary>
    Task WriteAsync(string accountRoot, ManifestFolder folder, IReadOnlyList<BackupItem> items, CancellationToken cancellationToken);

    /// <summary>Makes the folder's writes of this run durable (flush, rename). Nothing to do for one file per message.</summary>
    Task CommitAsync(string accountRoot, ManifestFolder folder, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Drops the folder's uncommitted writes (after a failure); the file as the manifest knows it stays.</summary>
    void Abort(string accountRoot, ManifestFolder folder)
    {
    }

    /// <summary>Copies one message's exact bytes, as the server served them, to <paramref name="destination"/>.</summary>
    Task CopyOutAsync(string accountRoot, ManifestFolder folder, ManifestMessage message, Stream destination, CancellationToken cancellationToken);

    /// <summary>Every file holding messages under the account's folder (relative paths), to find files no manifest names.</summary>
    IEnumerable<string> MessageFiles(string accountRoot);

    public static IBackupFormat For(Runbook.Plan.Model.BackupFormat format) => format switch
    {
        Runbook.Plan.Model.BackupFormat.Mbox => new MboxFormat(),
        Runbook.Plan.Model.BackupFormat.Eml => new EmlFormat(),
        _ => new MaildirFormat(),
    };
}
