using System.CommandLine;
using System.Text.Json.Nodes;
using Runbook.Engine;
using Runbook.Errors;

namespace Runbook.Cli.Commands;

/// <summary><c>runbook plan PLAN</c>: the dry run of every step not done yet. Changes nothing anywhere.</summary>
internal static class PlanCommand
{
    public const string Details = """
        Shows what apply would do, step by step, from read-only probes ("copy 1,204 messages (83 MB) in 12 folders",
        "lower MX TTL 3600 → 300"), and what changed in the plan since the last apply. Changes nothing anywhere: no
        server writes, no DNS updates, no mail sent, and the state database is not created or touched.

        Exit codes: 0 (with --detailed-exitcode: nothing to do), 2 changes pending (only with --detailed-exitcode),
        64 a step kind this version cannot run yet (or usage), 65 invalid plan, 69 a probe could not reach a server.

        Examples:
          runbook plan acme.yaml
          runbook plan acme.yaml --detailed-exitcode || echo "apply has work to do"
          runbook plan acme.yaml --json | jq '.steps[] | select(.willRun) | .summary'
        """;

    public static Command Create(CliConsole console, EngineCli engine)
    {
        var plan = EngineOptions.Plan();
        var state = EngineOptions.State();
        var json = EngineOptions.Json();
        var detailed = new Option<bool>("--detailed-exitcode") { Description = "Exit 2 when apply has something to do, 0 when not." };
        var command = new Command("plan", "Show what apply would do (dry run) and what changed; changes nothing.") { plan, detailed, json, state };
        command.SetAction((parse, ct) => RunAsync(console, engine, parse.GetValue(plan)!, parse.GetValue(state), parse.GetValue(detailed), parse.GetValue(json), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, EngineCli engine, string path, string? state, bool detailed, bool json, CancellationToken cancellationToken)
    {
        var plan = await engine.LoadAsync(path, console, cancellationToken);
        engine = engine.ForPlan(plan);
        var statePath = EngineCli.StatePath(plan, state);
        var preview = await engine.Runner(new LineObserver(console)).PreviewAsync(plan, statePath, cancellationToken);
        if (json)
        {
            await console.Out.WriteLineAsync(PlanOutput.Json(plan, statePath, preview).ToJsonString(ApplyResultJson.Indented));
        }
        else
        {
            PlanOutput.Text(console, plan, statePath, preview);
        }

        if (preview.Steps.FirstOrDefault(s => s.ErrorExitCode is not null) is { } failed)
        {
            return (int)failed.ErrorExitCode!.Value;
        }

        return detailed && preview.HasChanges ? (int)ExitCode.ChangesPending : (int)ExitCode.Success;
    }

    public static void PrintChanges(CliConsole console, PlanDiff diff)
    {
        foreach (var change in diff.Changes)
        {
            var (mark, text) = change.Kind switch
            {
                StepChangeKind.Added => ("+", "added"),
                StepChangeKind.Removed => ("-", "removed"),
                _ => ("~", "changed"),
            };
            console.Line($"  {mark} {change.StepId} {text}", "yellow");
        }

        if (diff.Invalidated.Count > 0)
        {
            console.Line($"  runs again: {string.Join(", ", diff.Invalidated)}", "yellow");
        }

        if (diff.RemovedWithHistory.Count > 0)
        {
            console.Line($"  forgotten (ran before, no longer in the plan): {string.Join(", ", diff.RemovedWithHistory)}", "yellow");
        }
    }

    public static JsonArray ChangesJson(PlanDiff diff) =>
        [.. diff.Changes.Select(c => (JsonNode)new JsonObject { ["step"] = c.StepId, ["change"] = c.Kind.ToString().ToLowerInvariant() })];
}
