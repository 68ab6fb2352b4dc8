using System.Text.Json;
using Runbook.Plan;

namespace Runbook.Cli.Commands;

/// <summary>Prints validation results as text lines or one JSON document.</summary>
internal static class ValidationOutput
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void Text(IEnumerable<(string Path, PlanLoadResult Result)> results, CliConsole console)
    {
        foreach (var (path, result) in results)
        {
            foreach (var d in result.Diagnostics)
                console.Line(d.ToString(), d.Severity == DiagnosticSeverity.Error ? "red" : "yellow");
            var errors = result.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error);
            var warnings = result.Diagnostics.Count - errors;
            if (result.Plan is { } plan)
                console.Line($"{path}: valid ({plan.Steps.Count} steps, {plan.Accounts.Count} accounts, {Count(warnings, "warning")}; hash {plan.Hash[..12]})", "green");
            else
                console.Line($"{path}: invalid ({Count(errors, "error")}, {Count(warnings, "warning")})", "red");
        }
    }

    public static void Json(IEnumerable<(string Path, PlanLoadResult Result)> results, TextWriter output)
    {
        var plans = results.Select(r => new
        {
            path = r.Path,
            valid = r.Result.IsValid,
            hash = r.Result.Plan?.Hash,
            diagnostics = r.Result.Diagnostics.Select(d => new
            {
                severity = d.Severity == DiagnosticSeverity.Error ? "error" : "warning",
                file = d.File,
                line = d.Line,
                column = d.Column,
                path = d.Path,
                message = d.Message,
            }),
        }).ToList();
        output.WriteLine(JsonSerializer.Serialize(new { valid = plans.All(p => p.valid), plans }, Indented));
    }

    private static string Count(int n, string noun) => $"{n} {noun}{(n == 1 ? "" : "s")}";
}
