using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Runbook.Adapters.State;
using Runbook.Engine;

namespace Runbook.Cli.Commands;

/// <summary><c>runbook status PLAN</c>: every step's state, times, attempts and outputs. Reads only.</summary>
internal static class StatusCommand
{
    public const string Details = """
        Shows every step of the plan as the state database records it: status (pending, running, waiting, done,
        failed), attempts, when it started and finished, what it waits for, its error, its outputs, and who approved
        it. Also says who holds the lock and whether the plan changed since the last apply. Reads only.

        Examples:
          runbook status acme.yaml
          runbook status acme.yaml --json | jq '.steps[] | {id, status}'
        """;

    public static Command Create(CliConsole console, EngineCli engine)
    {
        var plan = EngineOptions.Plan();
        var state = EngineOptions.State();
        var json = EngineOptions.Json();
        var command = new Command("status", "Show each step's status, times, attempts and outputs.") { plan, json, state };
        command.SetAction((parse, ct) => RunAsync(console, engine, parse.GetValue(plan)!, parse.GetValue(state), parse.GetValue(json), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, EngineCli engine, string path, string? state, bool json, CancellationToken cancellationToken)
    {
        var plan = await engine.LoadAsync(path, console, cancellationToken);
        var statePath = EngineCli.StatePath(plan, state);
        engine = engine.ForPlan(plan);
        await using var store = await engine.State.OpenReadOnlyAsync(statePath, engine.Time, cancellationToken);
        var work = store is null ? [] : await StatusWorkers.ReadAsync(engine, cancellationToken);
        var ledger = store is Runbook.Adapters.State.StateStore counted && work.Count > 0
            ? await counted.CountLedgerAsync(cancellationToken) : new Dictionary<string, long>();
        var now = engine.Time.GetUtcNow();
        var where = plan.State.Backend == Runbook.Plan.Model.StateBackendKind.Postgres ? $"postgres ({plan.State.Connection})" : statePath;
        var records = store is null ? new Dictionary<string, StepRecord>() : await store.GetStepsAsync(cancellationToken);
        var approvals = new Dictionary<string, ApprovalRecord>(StringComparer.Ordinal);
        foreach (var step in plan.Steps)
        {
            if (store is not null && await store.GetApprovalAsync(step.Id, cancellationToken) is { } approval)
            {
                approvals[step.Id] = approval;
            }
        }

        var exceptions = store is null ? [] : await store.ReadExceptionsAsync(null, cancellationToken);
        var holder = StateLock.Read(StateLock.PathFor(statePath));
        var planChanged = store is not null && await store.GetMetaAsync("plan_hash", cancellationToken) is { } hash && hash != plan.Hash;
        var rows = plan.Steps.Select(s => (Step: s, Record: records.GetValueOrDefault(s.Id), Approval: approvals.GetValueOrDefault(s.Id))).ToList();

        if (json)
        {
            var document = new JsonObject
            {
                ["plan"] = plan.Name,
                ["state"] = new JsonObject { ["path"] = statePath, ["exists"] = store is not null },
                ["planChanged"] = planChanged,
                ["lock"] = holder is null ? null : new JsonObject { ["pid"] = holder.Pid, ["host"] = holder.Host, ["since"] = Time(holder.StartedAt), ["stale"] = StateLock.IsStale(holder) },
                ["steps"] = new JsonArray([.. rows.Select(r => (JsonNode)Row(r.Step.Id, r.Step.Uses, r.Record, r.Approval))]),
                ["exceptions"] = StatusExceptions.Json(exceptions),
                ["workers"] = StatusWorkers.Json(work, ledger, now),
            };
            await console.Out.WriteLineAsync(document.ToJsonString(ApplyResultJson.Indented));
            return 0;
        }

        console.Line($"plan {plan.Name}, state {where}{(store is null ? " (none yet: nothing applied)" : "")}");
        if (holder is not null)
        {
            console.Line($"locked by {holder}{(StateLock.IsStale(holder) ? " — stale: that process is gone; the next apply takes over" : "")}", "yellow");
        }

        if (planChanged)
        {
            console.Line($"the plan changed since the last apply; see `runbook plan {path}`", "yellow");
        }

        foreach (var (step, record, approval) in rows)
        {
            var status = record?.Status ?? StepStatus.Pending;
            console.Line($"  {step.Id,-24} {status.ToString().ToLowerInvariant(),-8} {step.Uses}", status switch
            {
                StepStatus.Done => "green",
                StepStatus.Failed => "red",
                StepStatus.Waiting or StepStatus.Running => "yellow",
                _ => null,
            });
            foreach (var line in DetailLines(record, approval))
            {
                console.Line($"      {line}");
            }
        }

        StatusWorkers.Print(console, work, ledger, now);
        StatusExceptions.Print(console, path, exceptions);
        return 0;
    }

    private static IEnumerable<string> DetailLines(StepRecord? r, ApprovalRecord? approval)
    {
        if (r is not null && r.Attempts > 0)
        {
            yield return $"attempts {r.Attempts}, started {Time(r.StartedAt)}" + (r.FinishedAt is { } f ? $", finished {Time(f)}" : "");
        }

        if (r?.WaitReason is { } reason)
        {
            yield return $"waiting: {reason}" + (r.WaitUntil is { } u ? $" (until {Time(u)})" : "");
        }

        if (r?.Error is { } error)
        {
            yield return $"error: {error}";
        }

        if (r?.Outputs is { Count: > 0 } outputs)
        {
            yield return $"outputs: {OutputsText.Summary(outputs)}";
        }

        if (approval is not null)
        {
            yield return $"approved by {approval.ApprovedBy} at {Time(approval.ApprovedAt)}";
        }
    }

    private static JsonObject Row(string id, string uses, StepRecord? r, ApprovalRecord? approval) => new()
    {
        ["id"] = id,
        ["uses"] = uses,
        ["status"] = (r?.Status ?? StepStatus.Pending).ToString().ToLowerInvariant(),
        ["attempts"] = r?.Attempts ?? 0,
        ["firstStartedAt"] = Time(r?.FirstStartedAt),
        ["startedAt"] = Time(r?.StartedAt),
        ["finishedAt"] = Time(r?.FinishedAt),
        ["updatedAt"] = Time(r?.UpdatedAt),
        ["waitUntil"] = Time(r?.WaitUntil),
        ["waitReason"] = r?.WaitReason,
        ["error"] = r?.Error,
        ["outputs"] = r?.Outputs?.DeepClone(),
        ["approval"] = approval is null ? null : new JsonObject { ["by"] = approval.ApprovedBy, ["at"] = Time(approval.ApprovedAt) },
    };

    private static string? Time(DateTimeOffset? time) => time?.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
