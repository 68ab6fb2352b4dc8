using System.CommandLine;
using Runbook.Adapters.State;
using Runbook.Errors;

namespace Runbook.Cli.Commands;

/// <summary><c>runbook unlock PLAN</c>: remove a lock whose holder cannot be checked from here.</summary>
internal static class UnlockCommand
{
    public const string Details = """
        The state lock is an OS lock on STATE.lock, held by the running apply and released by the OS when that
        process ends, however it ends: a killed apply's lock is taken over by the next apply, which says so. unlock
        clears the name such a process left in the lock file. While a process holds the lock, unlock refuses and
        names it (stop it, or press Ctrl+C there); --force deletes the lock file anyway, after which the running
        holder no longer keeps a second apply out (for a holder you know is gone, on a file system without locks).

        Exit codes: 0 unlocked (or not locked), 75 a process holds the lock.

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
        if (!File.Exists(StateLock.PathFor(statePath)))
        {
            console.Line($"not locked ({statePath})");
            return 0;
        }

        LockHolder? stale;
        try
        {
            using var taken = StateLock.Acquire(statePath, $"runbook unlock {path}", engine.Time, out stale);
            if (stale is not null)
            {
                await JournalAsync(statePath, engine, $"stale lock of {stale} cleared by {Environment.UserName}", cancellationToken);
            }
        }
        catch (StateLockedException) when (!force)
        {
            var running = StateLock.Read(StateLock.PathFor(statePath));
            throw new StateLockedException($"the lock holder is running: {running?.ToString() ?? "another process"}; stop it first, or use --force");
        }
        catch (StateLockedException)
        {
            var holder = StateLock.ForceRemove(statePath);
            await JournalAsync(statePath, engine, $"lock of {holder?.ToString() ?? "a running process"} removed by {Environment.UserName} (--force)", cancellationToken);
            console.Line($"removed the lock of {holder?.ToString() ?? "a running process"}; it still runs, and no longer keeps another apply out", "yellow");
            return 0;
        }

        console.Line(stale is null ? $"not locked ({statePath})" : $"removed the stale lock of {stale}: that process ended without releasing it", "green");
        return 0;
    }

    private static async Task JournalAsync(string statePath, EngineCli engine, string message, CancellationToken cancellationToken)
    {
        if (File.Exists(statePath))
        {
            await using var store = await StateStore.OpenAsync(statePath, engine.Time, cancellationToken);
            await store.AppendJournalAsync(null, "unlock", message, null, cancellationToken);
        }
    }
}
