using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Runbook.Adapters.State;

namespace Runbook.Cli.Commands;

/// <summary><c>runbook log PLAN</c>: the audit journal, oldest first. Reads only.</summary>
internal static class LogCommand
{
    public const string Details = """
        Prints the audit journal: every transition (started, waiting, done, failed, reset, approved, plan change) and
        every side effect the steps recorded, oldest first, with UTC times. The journal is append-only: this is
        the trail to hand to the customer. Reads only; secrets are never in it.

        Examples:
          runbook log acme.yaml
          runbook log acme.yaml --json | jq '.[] | select(.event == "effect")'
        """;

    public static Command Create(CliConsole console, EngineCli engine)
    {
        var plan = EngineOptions.Plan();
        var state = EngineOptions.State();
        var json = EngineOptions.Json();
        var command = new Command("log", "Print the audit journal of a plan's runs.") { plan, json, state };
        command.SetAction((parse, ct) => RunAsync(console, engine, parse.GetValue(plan)!, parse.GetValue(state), parse.GetValue(json), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, EngineCli engine, string path, string? state, bool json, CancellationToken cancellationToken)
    {
        var statePath = await engine.StatePathLenientAsync(path, state, cancellationToken);
        await using var store = await engine.OpenReadOnlyLenientAsync(path, statePath, cancellationToken);
        var entries = store is null ? [] : await store.ReadJournalAsync(cancellationToken);
        if (json)
        {
            var array = new JsonArray([.. entries.Select(e => (JsonNode)new JsonObject
            {
                ["seq"] = e.Seq,
                ["at"] = e.At.ToString("O", CultureInfo.InvariantCulture),
                ["step"] = e.StepId,
                ["event"] = e.Event,
                ["message"] = e.Message,
                ["detail"] = e.Detail?.DeepClone(),
            })]);
            await console.Out.WriteLineAsync(array.ToJsonString(ApplyResultJson.Indented));
            return 0;
        }

        if (store is null)
        {
            console.Line($"no state at {statePath}: nothing applied yet");
        }

        foreach (var e in entries)
        {
            console.Line(string.Create(CultureInfo.InvariantCulture, $"{e.At:yyyy-MM-dd HH:mm:ss}Z  {(e.StepId is null ? "" : $"[{e.StepId}] ")}{e.Event}: {e.Message}"));
        }

        return 0;
    }
}
