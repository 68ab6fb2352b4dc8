using System.Text.Json.Nodes;

namespace Runbook.Engine;

/// <summary>
/// A step's view of the state database. Each write is its own transaction, committed before the call returns, so
/// a crash right after it loses nothing. During a dry run the view is read-only and writes throw.
/// </summary>
internal interface IStepState
{
    /// <summary>A checkpoint of this step, e.g. key <c>alice@example.com/INBOX</c> → last copied UID; null when unset.</summary>
    Task<string?> GetCheckpointAsync(string key, CancellationToken cancellationToken);

    /// <summary>Every checkpoint of this step whose key starts with <paramref name="prefix"/>.</summary>
    Task<IReadOnlyDictionary<string, string>> GetCheckpointsAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Sets a checkpoint. Checkpoints are a shortcut, never the truth: the destination is.</summary>
    Task SetCheckpointAsync(string key, string value, CancellationToken cancellationToken);

    /// <summary>Outputs of an earlier step that is done, or null when it is not done.</summary>
    Task<JsonObject?> GetOutputsAsync(string stepId, CancellationToken cancellationToken);

    /// <summary>
    /// Appends a side effect to the audit journal ("appended 312 messages to alice@example.com/Sent"), the trail handed
    /// to the customer. Never put secrets in <paramref name="message"/> or <paramref name="detail"/>.
    /// </summary>
    Task RecordAsync(string message, JsonObject? detail, CancellationToken cancellationToken);

    /// <summary>The accounts' copy ledger, shared by every step that writes mail to the new server. Read-only in a dry run.</summary>
    ICopyLedger Ledger { get; }

    /// <summary>
    /// Records one account's outcome in a step of <see cref="Accounts.AccountScope.EachOnce"/>: null <paramref name="error"/>
    /// is done (the account is not run again while its definition stays the same), otherwise failed with that reason.
    /// </summary>
    Task SetAccountOutcomeAsync(string account, string? error, CancellationToken cancellationToken);

    /// <summary>Every step's record (status, times) as the state holds it now: gates such as decommission judge other steps' history by it.</summary>
    Task<IReadOnlyDictionary<string, StepRecord>> GetStepRecordsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, StepRecord>>(new Dictionary<string, StepRecord>());
}
