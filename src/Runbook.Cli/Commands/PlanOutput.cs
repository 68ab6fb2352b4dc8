using System.Text.Json.Nodes;
using Runbook.Engine;
using Runbook.Plan.Model;

namespace Runbook.Cli.Commands;

/// <summary>Prints a dry run for people or scripts.</summary>
internal static class PlanOutput
{
    public static void Text(CliConsole console, RunbookPlan plan, string statePath, PlanPreviewResult preview)
    {
        console.Line($"plan {plan.Name} (hash {plan.Hash[..12]}), state {statePath}{(preview.StateExists ? "" : " (none yet: nothing applied)")}");
        if (preview.Diff.RequiresAcceptance)
        {
            console.Line("changed since the last apply (apply needs --accept-plan-change):", "yellow");
            PlanCommand.PrintChanges(console, preview.Diff);
        }

        foreach (var step in preview.Steps)
        {
            if (!step.WillRun)
            {
                console.Line($"  = {step.StepId} ({step.Uses}): done", "grey");
                continue;
            }

            var summary = step.Error is { } error ? $"cannot tell: {error}" : step.Preview!.HasChanges ? step.Preview.Summary : $"nothing to do: {step.Preview.Summary}";
            console.Line($"  {(step.Error is not null ? "!" : step.Preview!.HasChanges ? "+" : "=")} {step.StepId} ({step.Uses}): {summary}",
                step.Error is not null ? "red" : step.Preview!.HasChanges ? "green" : null);
            foreach (var line in step.Preview?.Details ?? [])
            {
                console.Line($"      {line}");
            }

            foreach (var note in step.Notes)
            {
                console.Line($"      note: {note}", "yellow");
            }
        }

        if (preview.EventMails.Count > 0)
        {
            console.Line($"  notifications: one sample per rule and event, rendered to {Path.GetDirectoryName(preview.EventMails[0])}");
            foreach (var file in preview.EventMails)
            {
                console.Line($"      {file}");
            }
        }

        var pending = preview.Steps.Count(s => s.WillRun && (s.Preview?.HasChanges ?? true));
        console.Line(pending == 0 && !preview.Diff.RequiresAcceptance ? "nothing to do" : $"{pending} step(s) would do something");
    }

    public static JsonObject Json(RunbookPlan plan, string statePath, PlanPreviewResult preview) => new()
    {
        ["plan"] = plan.Name,
        ["hash"] = plan.Hash,
        ["state"] = new JsonObject { ["path"] = statePath, ["exists"] = preview.StateExists },
        ["hasChanges"] = preview.HasChanges,
        ["requiresAcceptance"] = preview.Diff.RequiresAcceptance,
        ["changes"] = PlanCommand.ChangesJson(preview.Diff),
        ["invalidated"] = new JsonArray([.. preview.Diff.Invalidated.Select(i => JsonValue.Create(i))]),
        ["notifications"] = new JsonArray([.. preview.EventMails.Select(f => JsonValue.Create(f))]),
        ["steps"] = new JsonArray([.. preview.Steps.Select(s => (JsonNode)new JsonObject
        {
            ["id"] = s.StepId,
            ["uses"] = s.Uses,
            ["status"] = s.Status.ToString().ToLowerInvariant(),
            ["change"] = s.Change?.ToString().ToLowerInvariant(),
            ["willRun"] = s.WillRun,
            ["hasChanges"] = s.Preview?.HasChanges,
            ["summary"] = s.Preview?.Summary,
            ["details"] = new JsonArray([.. (s.Preview?.Details ?? []).Select(d => JsonValue.Create(d))]),
            ["notes"] = new JsonArray([.. s.Notes.Select(n => JsonValue.Create(n))]),
            ["error"] = s.Error,
        })]),
    };
}
