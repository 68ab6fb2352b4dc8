using System.Text.Json.Nodes;

namespace Runbook.Engine;

/// <summary>A step's <see cref="IStepState"/> over the store; read-only (and possibly without any store) in dry runs.</summary>
internal sealed class EngineStepState(IStateStore? store, string stepId, bool readOnly, IReadOnlyDictionary<string, string>? accountFingerprints = null)
    : IStepState, ICopyLedger
{
    public ICopyLedger Ledger => this;

    public async Task<string?> GetCheckpointAsync(string key, CancellationToken cancellationToken) =>
        store is null ? null : await store.GetCheckpointAsync(stepId, key, cancellationToken);

    public async Task<IReadOnlyDictionary<string, string>> GetCheckpointsAsync(string prefix, CancellationToken cancellationToken) =>
        store is null ? new Dictionary<string, string>() : await store.GetCheckpointsAsync(stepId, prefix, cancellationToken);

    public Task SetCheckpointAsync(string key, string value, CancellationToken cancellationToken) =>
        Writable().SetCheckpointAsync(stepId, key, value, cancellationToken);

    public async Task<JsonObject?> GetOutputsAsync(string otherStepId, CancellationToken cancellationToken)
    {
        if (store is null)
        {
            return null;
        }

        var steps = await store.GetStepsAsync(cancellationToken);
        return steps.TryGetValue(otherStepId, out var record) && record.Status == StepStatus.Done ? record.Outputs?.DeepClone().AsObject() : null;
    }

    public async Task<IReadOnlyDictionary<string, StepRecord>> GetStepRecordsAsync(CancellationToken cancellationToken) =>
        store is null ? new Dictionary<string, StepRecord>() : await store.GetStepsAsync(cancellationToken);

    public Task RecordAsync(string message, JsonObject? detail, CancellationToken cancellationToken) =>
        Writable().AppendJournalAsync(stepId, "effect", message, detail, cancellationToken);

    public Task SetAccountOutcomeAsync(string account, string? error, CancellationToken cancellationToken) =>
        accountFingerprints is not null && accountFingerprints.TryGetValue(account, out var fingerprint)
            ? Writable().SetStepAccountAsync(stepId, account, fingerprint, error is null, error, cancellationToken)
            : throw new InvalidOperationException($"step {stepId} recorded an outcome for {account}, which it does not track per account");

    async Task<IReadOnlyList<LedgerEntry>> ICopyLedger.ReadAsync(string account, CancellationToken cancellationToken) =>
        store is null ? [] : await store.ReadLedgerAsync(account, cancellationToken);

    Task ICopyLedger.RecordAsync(IReadOnlyList<LedgerEntry> entries, CancellationToken cancellationToken) =>
        Writable().WriteLedgerAsync(stepId, entries, cancellationToken);

    Task ICopyLedger.RecordExceptionsAsync(IReadOnlyList<MessageException> exceptions, CancellationToken cancellationToken) =>
        Writable().WriteExceptionsAsync(stepId, exceptions, cancellationToken);

    async Task<IReadOnlyList<MessageException>> ICopyLedger.ReadExceptionsAsync(string account, CancellationToken cancellationToken) =>
        store is null ? [] : await store.ReadExceptionsAsync(account, cancellationToken);

    async Task<IReadOnlyList<FolderState>> ICopyLedger.ReadFolderStatesAsync(string account, CancellationToken cancellationToken) =>
        store is null ? [] : await store.ReadFolderStatesAsync(account, cancellationToken);

    Task ICopyLedger.RecordFolderStatesAsync(IReadOnlyList<FolderState> states, CancellationToken cancellationToken) =>
        Writable().WriteFolderStatesAsync(stepId, states, cancellationToken);

    private IStateStore Writable() =>
        readOnly || store is null
            ? throw new DryRunWriteException($"step {stepId} tried to write state during a dry run")
            : store;
}
