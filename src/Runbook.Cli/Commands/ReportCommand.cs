using System.CommandLine;
using Runbook.Adapters.Report;
using Runbook.Adapters.State;
using Runbook.Errors;
using Runbook.Steps.Report;

namespace Runbook.Cli.Commands;

/// <summary><c>runbook report PLAN</c>: renders the state as it is now (mid-move, after a failure, or with none). Reads only.</summary>
internal static class ReportCommand
{
    public const string Details = """
        Renders the report from the state as it is now: any time, also mid-move or after a failure, and with no
        state at all (every step pending). Formats: html (self-contained, no scripts, printable), markdown and json
        (the model the templates get). Default: the plan's report.formats into report.path (beside the plan as
        PLAN.report.* when unset); --out writes the same file names into another folder. The plan's own templates
        (report.templates) replace the embedded ones. A template error names its line and writes nothing.

        Examples:
          runbook report acme.yaml
          runbook report acme.yaml --format markdown --format json --out /tmp/acme
          runbook report acme.yaml --format json --out - | jq '.totals'
        """;

    public static Command Create(CliConsole console, EngineCli engine)
    {
        var plan = EngineOptions.Plan();
        var state = EngineOptions.State();
        var format = new Option<string[]>("--format") { HelpName = "html|markdown|json", Description = "A format to write (repeatable; default: the plan's report.formats)." };
        format.AcceptOnlyFromAmong([.. ReportOutput.Formats]);
        var output = new Option<string?>("--out") { HelpName = "DIR", Description = "The folder to write into (default: report.path, beside the plan); '-' prints one format on stdout." };
        var command = new Command("report", "Render the report (HTML, Markdown, JSON) from the state as it is now.") { plan, format, output, state };
        command.SetAction((parse, ct) => RunAsync(console, engine, parse.GetValue(plan)!, parse.GetValue(state), parse.GetValue(format), parse.GetValue(output), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, EngineCli engine, string path, string? state, string[]? formats, string? outDirectory, CancellationToken cancellationToken)
    {
        var plan = await engine.LoadAsync(path, console, cancellationToken);
        var statePath = EngineCli.StatePath(plan, state);
        var chosen = formats is { Length: > 0 } ? formats.Distinct(StringComparer.Ordinal).ToList() : plan.Report.Formats;
        await using var store = await engine.ForPlan(plan).State.OpenReadOnlyAsync(statePath, engine.Time, cancellationToken);
        var model = await new ReportModel(plan, store, statePath, engine.Time).BuildAsync(cancellationToken);
        var report = new ReportOutput(new ScribanReportRenderer());
        try
        {
            if (outDirectory == "-")
            {
                if (chosen.Count != 1) throw new UsageException("--out - prints one format: name it with --format");
                await console.Out.WriteAsync(await report.RenderAsync(plan, model, chosen[0], cancellationToken));
                return 0;
            }

            foreach (var file in await report.WriteAsync(plan, model, chosen, ReportOutput.BasePath(plan, outDirectory), cancellationToken))
            {
                console.Line($"report written: {file}");
            }
        }
        catch (ReportTemplateException ex)
        {
            // The template belongs to the plan: fixing it is fixing the plan. Nothing was written.
            throw new UsageException($"{ex.Message}{Environment.NewLine}no report was written", ExitCode.InvalidPlan);
        }

        return 0;
    }
}
