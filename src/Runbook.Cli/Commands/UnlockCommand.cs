using System.CommandLine;
using Runbook.Adapters.State;
using Runbook.Errors;

namespace Runbook.Cli.Commands;

/// <summary><c>runbook unlock PLAN</c>: remove a lock whose holder cannot be checked from here.</summary>
internal static class UnlockCommand
{
    public const string Details = """
        Removes the state lock. A lock left by a dead process on this machine is taken over by the next apply
        anyway; unlock is for the rest, such as a lock from another machine sharing the state over a network
        drive. Refuses while the holder runs on this machine (stop it, or press Ctrl+C there) unless --force.

        Exit codes: 0 unlocked (or not locked), 75 the holder is still running here.

        Examples:
          runbook unlock acme.yaml
          runbook unlock acme.yaml --force
        """;

    public static Command Create(CliConsole console, EngineCli engine)
    {
        var plan = EngineOptions.Plan();
        var state = EngineOptions.State();
        var force = new Option<bool>("--force") { Description = "Remove the lock even though its holder runs on this machine." };
        var command = new Command("unlock", "Remove a state lock left behind.") { plan, force, state };
        command.SetAction((parse, ct) => RunAsync(console, engine, parse.GetValue(plan)!, parse.GetValue(state), parse.GetValue(force), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, EngineCli engine, string path, string? state, bool force, CancellationToken cancellationToken)
    {
        var statePath = await engine.StatePathLenientAsync(path, state, cancellationToken);
        if (StateLock.Read(StateLock.PathFor(statePath)) is not { } holder)
        {
            console.Line($"not locked ({statePath})");
            return 0;
        }

        var runsHere = string.Equals(holder.Host, Environment.MachineName, StringComparison.OrdinalIgnoreCase) && !StateLock.IsStale(holder);
        if (runsHere && !force)
        {
            throw new StateLockedException($"the lock holder is running: {holder}; stop it first, or use --force");
        }

        StateLock.ForceRemove(statePath);
        if (File.Exists(statePath))
        {
            await using var store = await StateStore.OpenAsync(statePath, engine.Time, cancellationToken);
            await store.AppendJournalAsync(null, "unlock", $"lock of {holder} removed by {Environment.UserName}", null, cancellationToken);
        }

        console.Line($"removed the lock of {holder}", "green");
        return 0;
    }
}
