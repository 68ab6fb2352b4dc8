using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Runbook.Adapters.Dns;
using Runbook.Engine;
using Runbook.Plan.Model;

namespace Runbook.Tests.Steps.Dns;

/// <summary>
/// Calls DNS step kinds directly over in-memory state, with a fake clock for the wait arithmetic. The plan's
/// <c>dns:</c> section is built in C#, so tests may use TTLs below the language's minimum (seconds, not minutes).
/// </summary>
internal sealed class DnsStepHarness(DnsSettings dns, string secret)
{
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 4, 13, 0, 0, TimeSpan.Zero));
    public DnsMemoryState State { get; } = new();
    public List<string> Lines { get; } = [];
    public StepApproval? Approval { get; set; }

    /// <summary>The plan's steps: lower-ttl, switch-mx, wait (the ids the steps look each other up by).</summary>
    public IReadOnlyList<StepDefinition> Steps { get; } =
    [
        new() { Id = "check", Uses = "dns.check" },
        new() { Id = "lower-ttl", Uses = "dns.lower_ttl" },
        new() { Id = "switch-mx", Uses = "dns.switch_mx" },
        new() { Id = "propagation", Uses = "dns.wait_propagation", With = new JsonObject { ["timeout"] = "1h" } },
        new() { Id = "delta", Uses = "mail.delta_sync", With = new JsonObject { ["until"] = "propagation", ["margin"] = "30m" } },
    ];

    public StepContext Context(string id, bool dryRun = false, DateTimeOffset? firstStarted = null) => new()
    {
        Plan = new RunbookPlan
        {
            Name = "dns",
            Timezone = "Asia/Tokyo",
            SourcePath = "/plans/acme.yaml",
            Hash = "h",
            Expanded = [],
            Servers = new Dictionary<string, ServerDefinition>(),
            Accounts = [],
            Dns = dns,
            Steps = Steps,
        },
        Step = Steps.Single(s => s.Id == id),
        Time = Time,
        State = State.For(id, dryRun),
        Secrets = new FixedSecret(secret),
        Progress = new Progress<StepProgress>(),
        Log = new Log(Lines),
        DryRun = dryRun,
        FirstStartedAt = firstStarted,
        Attempt = 1,
        Approval = Approval,
    };

    /// <summary>Runs a step's apply and, when done, stores its outputs where later steps read them.</summary>
    public async Task<StepOutcome> ApplyAsync(IStepKind kind, string id, CancellationToken cancellationToken)
    {
        var outcome = await kind.ApplyAsync(Context(id), cancellationToken);
        if (outcome is StepOutcome.Done done) State.Outputs[id] = done.Outputs;
        return outcome;
    }

    private sealed class FixedSecret(string value) : ISecretResolver
    {
        public ValueTask<string> ResolveAsync(SecretReference reference, CancellationToken cancellationToken) => ValueTask.FromResult(value);
    }

    private sealed class Log(List<string> lines) : IStepLog
    {
        public void Info(string message) => lines.Add(message);

        public void Warning(string message) => lines.Add("warning: " + message);
    }
}

/// <summary>Checkpoints per step, outputs of done steps, and the journal with its JSON details; read-only views throw on writes.</summary>
internal sealed class DnsMemoryState
{
    public Dictionary<string, string> Checkpoints { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, JsonObject> Outputs { get; } = new(StringComparer.Ordinal);
    public List<(string Step, string Message, JsonObject? Detail)> Journal { get; } = [];

    public IStepState For(string step, bool readOnly) => new View(this, step, readOnly);

    private sealed class View(DnsMemoryState state, string step, bool readOnly) : IStepState
    {
        public Task<string?> GetCheckpointAsync(string key, CancellationToken cancellationToken) =>
            Task.FromResult(state.Checkpoints.GetValueOrDefault($"{step}/{key}"));

        public Task<IReadOnlyDictionary<string, string>> GetCheckpointsAsync(string prefix, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyDictionary<string, string>>(state.Checkpoints
                .Where(c => c.Key.StartsWith($"{step}/{prefix}", StringComparison.Ordinal)).ToDictionary(c => c.Key[(step.Length + 1)..], c => c.Value));

        public Task SetCheckpointAsync(string key, string value, CancellationToken cancellationToken)
        {
            if (readOnly) throw new InvalidOperationException("a dry run wrote a checkpoint");
            state.Checkpoints[$"{step}/{key}"] = value;
            return Task.CompletedTask;
        }

        public Task<JsonObject?> GetOutputsAsync(string stepId, CancellationToken cancellationToken) =>
            Task.FromResult(state.Outputs.TryGetValue(stepId, out var o) ? o.DeepClone().AsObject() : null);

        public Task RecordAsync(string message, JsonObject? detail, CancellationToken cancellationToken)
        {
            if (readOnly) throw new InvalidOperationException("a dry run wrote the journal");
            state.Journal.Add((step, message, detail));
            return Task.CompletedTask;
        }

        // DNS steps copy no mail and track no accounts.
        public ICopyLedger Ledger => throw new InvalidOperationException("a DNS step read the copy ledger");

        public Task SetAccountOutcomeAsync(string account, string? error, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("a DNS step recorded an account outcome");
    }
}
