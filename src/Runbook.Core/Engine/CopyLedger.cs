namespace Runbook.Engine;

/// <summary>
/// How a ledger entry came to be: the step appended the message, found its copy already there by content, or appended
/// it and the new server stored different bytes (the copy is there, so it is never appended again, but it is an exception),
/// or appended a repaired version (<c>repair:</c>; its identity then names both the original and the repaired bytes).
/// </summary>
internal enum LedgerHow { Copied, Matched, Altered, Repaired }

/// <summary>
/// One source message (account, folder, UIDVALIDITY, UID or POP3 UIDL) and where its copy lives on the new server.
/// <see cref="DestinationUid"/> 0 means the server did not say (no UIDPLUS): the next pass finds the copy by content.
/// </summary>
internal sealed record LedgerEntry
{
    public required string Account { get; init; }
    public required string SourceFolder { get; init; }
    public required uint SourceUidValidity { get; init; }
    public required string SourceId { get; init; }
    /// <summary>The content identity the copy was matched or made with (Message-ID or header digest, and size).</summary>
    public required string Identity { get; init; }
    public required long Size { get; init; }
    public required string DestinationFolder { get; init; }
    public required uint DestinationUidValidity { get; init; }
    public required uint DestinationUid { get; init; }
    public required LedgerHow How { get; init; }
    /// <summary>Filled in by the state: the step that wrote the entry and when.</summary>
    public string StepId { get; init; } = "";
    public DateTimeOffset At { get; init; }
}

/// <summary>
/// The copy ledger: per account, what was copied where. It belongs to the account, not to a step: every step that
/// writes mail to the new server reads and extends the same ledger, and no reset or plan edit deletes it.
/// </summary>
internal interface ICopyLedger
{
    Task<IReadOnlyList<LedgerEntry>> ReadAsync(string account, CancellationToken cancellationToken);

    /// <summary>
    /// Adds or replaces entries (keyed by account, source folder, UIDVALIDITY and id) in one transaction. A refusal
    /// recorded earlier for a message that is now copied is resolved in the same transaction.
    /// </summary>
    Task RecordAsync(IReadOnlyList<LedgerEntry> entries, CancellationToken cancellationToken);

    /// <summary>Records messages the new server refused or altered (kept until resolved or accepted by a person).</summary>
    Task RecordExceptionsAsync(IReadOnlyList<MessageException> exceptions, CancellationToken cancellationToken);

    /// <summary>Every exception of the account, open or not.</summary>
    Task<IReadOnlyList<MessageException>> ReadExceptionsAsync(string account, CancellationToken cancellationToken);

    /// <summary>What the last completed pass saw of each source folder of the account. Default: nothing, so every pass scans in full.</summary>
    Task<IReadOnlyList<FolderState>> ReadFolderStatesAsync(string account, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<FolderState>>([]);

    /// <summary>Remembers folder states (one account's, after its pass) in one transaction, replacing older ones of the same folders.</summary>
    Task RecordFolderStatesAsync(IReadOnlyList<FolderState> states, CancellationToken cancellationToken) => Task.CompletedTask;
}
