using System.Text.Json.Nodes;

namespace Runbook.Engine;

/// <summary>
/// The engine's state: steps, checkpoints, approvals, the append-only journal, per-account outcomes and the copy
/// ledger. Each write is one transaction, committed before the call returns. The CLI chooses the implementation
/// (SQLite for one machine); the engine sees only this.
/// </summary>
internal interface IStateStore : IAsyncDisposable
{
    Task<IReadOnlyDictionary<string, StepRecord>> GetStepsAsync(CancellationToken cancellationToken);
    Task<string?> GetMetaAsync(string key, CancellationToken cancellationToken);

    /// <summary>Makes the state match the plan: the plan hash, new steps pending, removed ones dropped, <paramref name="invalidated"/> ones reset.</summary>
    Task SyncPlanAsync(string planName, string planHash, IReadOnlyList<PlannedStep> steps, IReadOnlyCollection<string> invalidated, string message, CancellationToken cancellationToken);

    Task MarkRunningAsync(string stepId, string message, CancellationToken cancellationToken);
    Task MarkDoneAsync(string stepId, JsonObject outputs, string message, CancellationToken cancellationToken);
    Task MarkWaitingAsync(string stepId, DateTimeOffset? until, string reason, CancellationToken cancellationToken);
    Task MarkFailedAsync(string stepId, string error, bool retryable, CancellationToken cancellationToken);
    Task MarkInterruptedAsync(string stepId, string message, CancellationToken cancellationToken);
    Task AppendJournalAsync(string? stepId, string @event, string message, JsonObject? detail, CancellationToken cancellationToken);
    /// <summary>The whole journal, oldest first (for <c>log</c> and the report).</summary>
    Task<IReadOnlyList<JournalEntry>> ReadJournalAsync(CancellationToken cancellationToken);
    Task<ApprovalRecord?> GetApprovalAsync(string stepId, CancellationToken cancellationToken);

    Task<string?> GetCheckpointAsync(string stepId, string key, CancellationToken cancellationToken);
    Task<IReadOnlyDictionary<string, string>> GetCheckpointsAsync(string stepId, string prefix, CancellationToken cancellationToken);
    Task SetCheckpointAsync(string stepId, string key, string value, CancellationToken cancellationToken);

    Task<IReadOnlyList<LedgerEntry>> ReadLedgerAsync(string account, CancellationToken cancellationToken);
    Task WriteLedgerAsync(string stepId, IReadOnlyList<LedgerEntry> entries, CancellationToken cancellationToken);
    Task<IReadOnlyList<FolderState>> ReadFolderStatesAsync(string account, CancellationToken cancellationToken);
    Task WriteFolderStatesAsync(string stepId, IReadOnlyList<FolderState> states, CancellationToken cancellationToken);

    Task WriteExceptionsAsync(string stepId, IReadOnlyList<MessageException> exceptions, CancellationToken cancellationToken);
    /// <summary>The exceptions of one account, or of every account when <paramref name="account"/> is null.</summary>
    Task<IReadOnlyList<MessageException>> ReadExceptionsAsync(string? account, CancellationToken cancellationToken);

    Task<IReadOnlyList<StepAccountRecord>> GetStepAccountsAsync(string? stepId, CancellationToken cancellationToken);
    Task SetStepAccountAsync(string stepId, string account, string fingerprint, bool done, string? error, CancellationToken cancellationToken);
    /// <summary>A done step goes back to pending for accounts it has not done; <paramref name="forget"/>'s outcomes are dropped.</summary>
    Task ReopenAsync(string stepId, IReadOnlyCollection<string> forget, string message, CancellationToken cancellationToken);
}

/// <summary>Where the engine's state lives and how it is locked; the CLI's composition root picks one.</summary>
internal interface IStateBackend
{
    /// <summary>
    /// Takes the state's lock (one apply at a time) and opens the state for writing, creating it if needed. Disposing
    /// the session closes the state and releases the lock. <see cref="StateSession.StaleHolder"/> names a dead holder taken over.
    /// </summary>
    Task<StateSession> OpenForApplyAsync(string path, string command, TimeProvider time, CancellationToken cancellationToken);

    /// <summary>Opens an existing state for reading, creating nothing; null when there is none.</summary>
    Task<IStateStore?> OpenReadOnlyAsync(string path, TimeProvider time, CancellationToken cancellationToken);
}

/// <summary>An open, locked state for one apply.</summary>
internal sealed class StateSession(IStateStore store, IDisposable lease, string? staleHolder) : IAsyncDisposable
{
    public IStateStore Store => store;

    /// <summary>The holder of a lock that was left by a process no longer running, or null.</summary>
    public string? StaleHolder => staleHolder;

    public async ValueTask DisposeAsync()
    {
        await store.DisposeAsync();
        lease.Dispose();
    }
}
