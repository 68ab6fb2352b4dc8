using System.CommandLine;
using Runbook.Errors;
using Runbook.Plan;

namespace Runbook.Cli.Commands;

/// <summary><c>runbook validate PLAN...</c>: load and check plans, print every finding, change nothing.</summary>
internal static class ValidateCommand
{
    public const string Details = """
        Check plans without touching any server: YAML syntax, the schema, references between parts of the plan,
        files that must exist (templates, CSV accounts), time zones, windows and step order. Prints every problem
        as file:line:column: path: message. Secrets are not resolved, so no secret needs to be set.

        Exit codes: 0 every plan is valid (warnings allowed), 65 a plan is invalid, 64 wrong usage.

        Examples:
          runbook validate plans/acme.yaml
          runbook validate plans/*.yaml --format json | jq '.plans[] | select(.valid | not)'
        """;

    public static Command Create(CliConsole console, EngineCli engine)
    {
        var plans = new Argument<string[]>("PLAN") { Description = "Plan files to check.", Arity = ArgumentArity.OneOrMore };
        var format = new Option<string>("--format") { Description = "Output: text (for people) or json (for scripts).", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("validate", "Check plans: syntax, schema, references, files, time zones, step order. Changes nothing.") { plans, format };
        command.SetAction((parse, ct) => RunAsync(engine.Loader(), parse.GetValue(plans)!, parse.GetValue(format)!, console, ct));
        return command;
    }

    private static async Task<int> RunAsync(PlanLoader loader, string[] paths, string format, CliConsole console, CancellationToken cancellationToken)
    {
        var missing = paths.Where(p => !File.Exists(p)).ToList();
        foreach (var path in missing) await console.Error.WriteLineAsync($"runbook: no such plan file: {path}");
        if (missing.Count > 0) return (int)ExitCode.Usage;

        var results = new List<(string Path, PlanLoadResult Result)>();
        foreach (var path in paths) results.Add((path, await loader.LoadAsync(path, cancellationToken)));

        if (format == "json") ValidationOutput.Json(results, console.Out);
        else ValidationOutput.Text(results, console);
        return results.All(r => r.Result.IsValid) ? (int)ExitCode.Success : (int)ExitCode.InvalidPlan;
    }
}
