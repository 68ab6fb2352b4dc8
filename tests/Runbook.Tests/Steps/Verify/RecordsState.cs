using System.Text.Json.Nodes;
using Runbook.Engine;
using Runbook.Tests.Steps.Mail;

namespace Runbook.Tests.Steps.Verify;

/// <summary>The fake state plus recorded step history, which is all the decommission gate and the backups rule read besides the ledger.</summary>
internal sealed class RecordsState(FakeStepState inner, IReadOnlyDictionary<string, StepRecord> records) : IStepState
{
    public FakeStepState Inner => inner;
    public ICopyLedger Ledger => inner.Ledger;
    public Task<IReadOnlyDictionary<string, StepRecord>> GetStepRecordsAsync(CancellationToken cancellationToken) => Task.FromResult(records);
    public Task<string?> GetCheckpointAsync(string key, CancellationToken cancellationToken) => inner.GetCheckpointAsync(key, cancellationToken);
    public Task<IReadOnlyDictionary<string, string>> GetCheckpointsAsync(string prefix, CancellationToken cancellationToken) => inner.GetCheckpointsAsync(prefix, cancellationToken);
    public Task SetCheckpointAsync(string key, string value, CancellationToken cancellationToken) => inner.SetCheckpointAsync(key, value, cancellationToken);
    public Task<JsonObject?> GetOutputsAsync(string stepId, CancellationToken cancellationToken) => inner.GetOutputsAsync(stepId, cancellationToken);
    public Task RecordAsync(string message, JsonObject? detail, CancellationToken cancellationToken) => inner.RecordAsync(message, detail, cancellationToken);
    public Task SetAccountOutcomeAsync(string account, string? error, CancellationToken cancellationToken) => inner.SetAccountOutcomeAsync(account, error, cancellationToken);

    public static StepRecord Record(string id, string uses, DateTimeOffset started, DateTimeOffset? finished, StepStatus status = StepStatus.Done) => new()
    {
        Id = id, Position = 0, Uses = uses, Fingerprint = "f", Status = status, StartedAt = started, FinishedAt = finished, UpdatedAt = started,
    };
}
