using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Runbook.Engine;
using Runbook.Plan.Model;
using Runbook.Tests.Steps.Mail.Fakes;

namespace Runbook.Tests.Steps.Mail;

/// <summary>A step context over fake state for calling mail step kinds directly.</summary>
internal sealed class StepContextBuilder
{
    public FakeStepState State { get; } = new();
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 5, 13, 0, 0, TimeSpan.Zero));
    public List<string> Lines { get; } = [];

    public StepContext Build(string uses, JsonObject with, IReadOnlyList<string> emails, bool dryRun = false, DateTimeOffset? firstStarted = null)
    {
        var endpoint = new Endpoint { Host = "127.0.0.1", Port = 1 };
        var plan = new RunbookPlan
        {
            Name = "t",
            Timezone = "Asia/Tokyo",
            SourcePath = "/tmp/plan.yaml",
            Hash = "h",
            Expanded = [],
            Servers = new Dictionary<string, ServerDefinition>
            {
                ["old"] = new() { Name = "old", Imap = endpoint, MaxConnections = 2 },
                ["new"] = new() { Name = "new", Imap = endpoint },
            },
            Accounts = [.. emails.Select(FakeConnector.Account)],
            Steps = [],
        };
        return new StepContext
        {
            Plan = plan,
            Step = new StepDefinition { Id = "s", Uses = uses, With = with },
            Time = Time,
            State = dryRun ? State.ReadOnly() : State,
            Secrets = new NoSecrets(),
            Progress = new Progress<StepProgress>(),
            Log = new ListLog(Lines),
            DryRun = dryRun,
            FirstStartedAt = firstStarted,
            Attempt = 1,
        };
    }

    private sealed class NoSecrets : ISecretResolver
    {
        public ValueTask<string> ResolveAsync(SecretReference reference, CancellationToken cancellationToken) => ValueTask.FromResult("pw");
    }

    private sealed class ListLog(List<string> lines) : IStepLog
    {
        public void Info(string message) => lines.Add(message);

        public void Warning(string message) => lines.Add("warning: " + message);
    }
}

/// <summary>Checkpoints and journal in memory; the read-only view throws on writes like the engine's dry-run view.</summary>
internal sealed class FakeStepState(Dictionary<string, string>? checkpoints = null, bool readOnly = false, Fakes.FakeLedger? ledger = null) : IStepState
{
    public Dictionary<string, string> Checkpoints { get; } = checkpoints ?? new(StringComparer.Ordinal);
    public List<string> Journal { get; } = [];
    public Fakes.FakeLedger FakeLedger { get; } = ledger ?? new();
    /// <summary>Account → null (done) or the failure, as the step recorded them.</summary>
    public Dictionary<string, string?> AccountOutcomes { get; } = new(StringComparer.OrdinalIgnoreCase);

    public ICopyLedger Ledger => readOnly ? new ReadOnlyLedger(FakeLedger) : FakeLedger;

    public FakeStepState ReadOnly() => new(Checkpoints, readOnly: true, FakeLedger);

    public Task SetAccountOutcomeAsync(string account, string? error, CancellationToken cancellationToken)
    {
        if (readOnly) throw new InvalidOperationException("dry run wrote an account outcome");
        AccountOutcomes[account] = error;
        return Task.CompletedTask;
    }

    private sealed class ReadOnlyLedger(ICopyLedger inner) : ICopyLedger
    {
        public Task<IReadOnlyList<LedgerEntry>> ReadAsync(string account, CancellationToken cancellationToken) => inner.ReadAsync(account, cancellationToken);

        public Task RecordAsync(IReadOnlyList<LedgerEntry> entries, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("dry run wrote the copy ledger");

        public Task RecordExceptionsAsync(IReadOnlyList<MessageException> exceptions, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("dry run wrote exceptions");

        public Task<IReadOnlyList<MessageException>> ReadExceptionsAsync(string account, CancellationToken cancellationToken) => inner.ReadExceptionsAsync(account, cancellationToken);

        public Task<IReadOnlyList<FolderState>> ReadFolderStatesAsync(string account, CancellationToken cancellationToken) => inner.ReadFolderStatesAsync(account, cancellationToken);

        public Task RecordFolderStatesAsync(IReadOnlyList<FolderState> states, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("dry run wrote folder states");
    }

    public Task<string?> GetCheckpointAsync(string key, CancellationToken cancellationToken) => Task.FromResult(Checkpoints.GetValueOrDefault(key));

    public Task<IReadOnlyDictionary<string, string>> GetCheckpointsAsync(string prefix, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(Checkpoints.Where(k => k.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary());

    public Task SetCheckpointAsync(string key, string value, CancellationToken cancellationToken)
    {
        if (readOnly) throw new InvalidOperationException("dry run wrote a checkpoint");
        Checkpoints[key] = value;
        return Task.CompletedTask;
    }

    public Task<JsonObject?> GetOutputsAsync(string stepId, CancellationToken cancellationToken) => Task.FromResult<JsonObject?>(null);

    public Task RecordAsync(string message, JsonObject? detail, CancellationToken cancellationToken)
    {
        if (readOnly) throw new InvalidOperationException("dry run wrote the journal");
        Journal.Add(message);
        return Task.CompletedTask;
    }
}
