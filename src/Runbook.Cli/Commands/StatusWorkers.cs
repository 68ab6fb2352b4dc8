using System.Globalization;
using System.Text.Json.Nodes;
using Runbook.Engine.Workers;

namespace Runbook.Cli.Commands;

/// <summary><c>status</c> over the workers of a shared state: who holds or did which account, and its copy ledger so far.</summary>
internal static class StatusWorkers
{
    public static async Task<IReadOnlyList<WorkItem>> ReadAsync(EngineCli engine, CancellationToken cancellationToken) =>
        engine.State is IWorkerStateBackend shared ? await shared.ReadWorkAsync(cancellationToken) : [];

    /// <summary>Step id of a work key ("migrate@0a1b2c…" → "migrate").</summary>
    private static string StepOf(WorkItem item) => item.Key.Split('@')[0];

    private static string State(WorkItem item, DateTimeOffset now) => item switch
    {
        { Status: "open", Holder: not null, LeaseUntil: { } until } when until > now => "running",
        { Status: "open", Holder: not null } => "orphaned",
        _ => item.Status,
    };

    public static void Print(CliConsole console, IReadOnlyList<WorkItem> items, IReadOnlyDictionary<string, long> ledger, DateTimeOffset now)
    {
        if (items.Count == 0)
        {
            return;
        }

        console.Line("workers:");
        foreach (var step in items.GroupBy(StepOf))
        {
            var counts = step.GroupBy(i => State(i, now)).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}");
            console.Line($"  {step.Key}: {string.Join(", ", counts)}");
            foreach (var item in step)
            {
                var who = item.Holder is null ? "" : $" by {item.Holder}";
                var lease = State(item, now) == "running" ? $" (lease until {item.LeaseUntil!.Value.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture)}Z)" : "";
                var copied = item.Account.Length > 0 ? $", ledger {ledger.GetValueOrDefault(item.Account)}" : "";
                var error = item.Error is null ? "" : $": {item.Error}";
                console.Line($"    {(item.Account.Length == 0 ? "(global)" : item.Account),-32} {State(item, now),-8}{who}{lease}{copied}{error}");
            }
        }
    }

    public static JsonArray Json(IReadOnlyList<WorkItem> items, IReadOnlyDictionary<string, long> ledger, DateTimeOffset now) =>
        new([.. items.Select(i => (JsonNode)new JsonObject
        {
            ["step"] = StepOf(i),
            ["account"] = i.Account.Length == 0 ? null : i.Account,
            ["status"] = State(i, now),
            ["holder"] = i.Holder,
            ["leaseUntil"] = i.LeaseUntil?.ToString("O", CultureInfo.InvariantCulture),
            ["attempts"] = i.Attempts,
            ["error"] = i.Error,
            ["ledger"] = i.Account.Length == 0 ? null : ledger.GetValueOrDefault(i.Account),
        })]);
}
