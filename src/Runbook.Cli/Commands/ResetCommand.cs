using System.CommandLine;
using Runbook.Adapters.State;
using Runbook.Errors;

namespace Runbook.Cli.Commands;

/// <summary><c>runbook reset PLAN STEP</c>: make a step run again on the next apply.</summary>
internal static class ResetCommand
{
    public const string Details = """
        Makes a step run again: back to pending, attempts, outputs and checkpoints cleared (the journal keeps its
        history). Safe because steps are idempotent: a reset migration checks the destination and copies only what
        is missing. Later steps stay done; reset them too if they depend on this one. Takes the lock, so it waits
        for no apply and refuses while one runs.

        Examples:
          runbook reset acme.yaml verify-all
          runbook reset acme.yaml migrate-test && runbook apply acme.yaml --step migrate-test
        """;

    public static Command Create(CliConsole console, EngineCli engine)
    {
        var plan = EngineOptions.Plan();
        var step = EngineOptions.Step();
        var state = EngineOptions.State();
        var command = new Command("reset", "Make a step run again on the next apply.") { plan, step, state };
        command.SetAction((parse, ct) => RunAsync(console, engine, parse.GetValue(plan)!, parse.GetValue(step)!, parse.GetValue(state), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, EngineCli engine, string path, string stepId, string? state, CancellationToken cancellationToken)
    {
        var statePath = await engine.StatePathLenientAsync(path, state, cancellationToken);
        if (await engine.LenientPlanAsync(path, cancellationToken) is { State.Backend: Runbook.Plan.Model.StateBackendKind.Postgres } shared)
        {
            // A shared state has no lock file: each write is its own transaction (workers keep their claims).
            await using var pg = await engine.OpenStoreAsync(shared, statePath, cancellationToken);
            return await ResetAsync(console, pg, path, stepId, null, cancellationToken);
        }

        if (!File.Exists(statePath))
        {
            throw new UsageException($"no state at {statePath}: nothing was applied, nothing to reset");
        }

        using var stateLock = StateLock.Acquire(statePath, $"runbook reset {path} {stepId}", engine.Time, out var stale);
        await using var store = await StateStore.OpenAsync(statePath, engine.Time, cancellationToken);
        return await ResetAsync(console, store, path, stepId, stale, cancellationToken);
    }

    private static async Task<int> ResetAsync(CliConsole console, StateStore store, string path, string stepId, object? stale, CancellationToken cancellationToken)
    {
        if (!(await store.GetStepsAsync(cancellationToken)).ContainsKey(stepId))
        {
            throw new UsageException($"step {stepId} is not in the state (never applied, or not in the plan)");
        }

        await store.ResetAsync(stepId, $"reset by {Environment.UserName}" + (stale is null ? "" : $" (stale lock of {stale} taken over)"), cancellationToken);
        console.Line($"reset {stepId}: it runs again on the next `runbook apply {path}`", "green");
        return 0;
    }
}
