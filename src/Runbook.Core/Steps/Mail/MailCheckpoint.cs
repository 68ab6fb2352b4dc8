namespace Runbook.Steps.Mail;

/// <summary>
/// How far a source folder was copied into one destination folder. Only a shortcut: the destination's identities stay
/// the truth. Every copy of a source message up to <see cref="LastUid"/> (or with one of <see cref="Uidls"/> on POP3)
/// has a destination UID at or below <see cref="DestinationHighUid"/>, so the next pass matches new source messages only
/// against destination messages above it; that keeps n equal identities needing n copies without re-listing the past.
/// </summary>
internal sealed record MailCheckpoint
{
    public uint UidValidity { get; init; }
    public uint LastUid { get; init; }
    public uint DestinationHighUid { get; init; }
    /// <summary>POP3 only: the UIDLs already on the destination.</summary>
    public IReadOnlyList<string>? Uidls { get; init; }
}

/// <summary>Where checkpoints live (the engine's state database in a run, a dictionary in tests).</summary>
internal interface IMailCheckpointStore
{
    Task<MailCheckpoint?> LoadAsync(string account, string unit, CancellationToken cancellationToken);
    Task SaveAsync(string account, string unit, MailCheckpoint checkpoint, CancellationToken cancellationToken);
}
