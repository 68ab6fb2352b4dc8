using System.Globalization;
using System.Text.Json.Nodes;
using Runbook.Engine;
using Runbook.Plan.Model;
using Spectre.Console;

namespace Runbook.Cli.Commands;

/// <summary>Plain lines, one per event: what scripts and logs get when stdout is not a terminal.</summary>
internal sealed class LineObserver(CliConsole console) : IRunObserver
{
    private readonly Dictionary<string, (string Activity, long Tenth)> _lastProgress = new(StringComparer.Ordinal);

    public void Notice(string message) => console.Line(message, "yellow");
    public void StepSkipped(StepDefinition step, string reason) => console.Line($"[{step.Id}] skipped: {reason}", "grey");
    public void StepStarting(StepDefinition step, int attempt) => console.Line($"[{step.Id}] {step.Uses}: started (attempt {attempt})");
    public void StepLog(StepDefinition step, string message, bool warning) => console.Line($"[{step.Id}] {message}", warning ? "yellow" : null);

    public void StepProgress(StepDefinition step, StepProgress progress)
    {
        // Every tenth of the way, and at each new activity: enough to follow, too little to flood a log.
        // Without a known total (a copy that discovers its work as it goes), every 500 units instead.
        var tenth = progress.Total > 0 ? progress.Done * 10 / progress.Total : progress.Done / 500;
        if (_lastProgress.TryGetValue(step.Id, out var last) && last == (progress.Activity, tenth))
        {
            return;
        }

        _lastProgress[step.Id] = (progress.Activity, tenth);
        var count = progress.Total > 0 ? $"{progress.Done:N0}/{progress.Total:N0}" : $"{progress.Done:N0}";
        console.Line(string.Create(CultureInfo.InvariantCulture, $"[{step.Id}] {progress.Activity}: {count} {progress.Unit}"));
    }

    public void StepFinished(StepDefinition step, StepOutcome outcome)
    {
        switch (outcome)
        {
            case StepOutcome.Done done:
                console.Line($"[{step.Id}] done{(done.Outputs.Count > 0 ? ": " + OutputsText.Summary(done.Outputs) : "")}", "green");
                break;
            case StepOutcome.Failed failed:
                console.Line($"[{step.Id}] failed{(failed.Retryable ? " (retryable)" : "")}: {failed.Message}", "red");
                break;
        }
    }

    public void StepWaiting(StepDefinition step, DateTimeOffset? until, string reason, bool sleeping) =>
        console.Line($"[{step.Id}] waiting: {reason}" + (until is { } u ? $" (until {u:yyyy-MM-dd HH:mm:ss}Z)" : "") + (sleeping ? "; sleeping (--wait)" : ""), "yellow");
}

/// <summary>Collects events for <c>--json</c>; printed as one document when the apply ends.</summary>
internal sealed class JsonObserver : IRunObserver
{
    public JsonArray Events { get; } = [];

    public void Notice(string message) => Add(null, "notice", new() { ["message"] = message });
    public void StepSkipped(StepDefinition step, string reason) => Add(step, "skipped", new() { ["reason"] = reason });
    public void StepStarting(StepDefinition step, int attempt) => Add(step, "started", new() { ["attempt"] = attempt });
    public void StepLog(StepDefinition step, string message, bool warning) => Add(step, warning ? "warning" : "log", new() { ["message"] = message });

    // Progress is for watching, not for scripts: the outcome carries the totals.
    public void StepProgress(StepDefinition step, StepProgress progress) { }

    public void StepFinished(StepDefinition step, StepOutcome outcome) => Add(step, outcome switch
    {
        StepOutcome.Done => "done",
        StepOutcome.Failed => "failed",
        _ => "waiting",
    }, outcome switch
    {
        StepOutcome.Done d => new() { ["outputs"] = d.Outputs.DeepClone() },
        StepOutcome.Failed f => new() { ["message"] = f.Message, ["retryable"] = f.Retryable },
        _ => [],
    });

    public void StepWaiting(StepDefinition step, DateTimeOffset? until, string reason, bool sleeping) =>
        Add(step, "waiting", new() { ["until"] = until?.ToString("O", CultureInfo.InvariantCulture), ["reason"] = reason, ["sleeping"] = sleeping });

    private void Add(StepDefinition? step, string @event, JsonObject detail)
    {
        detail["event"] = @event;
        if (step is not null)
        {
            detail["step"] = step.Id;
        }

        Events.Add(detail);
    }
}

/// <summary>Spectre progress bars for long steps on a terminal; other events go through as lines above the bars.</summary>
internal sealed class ProgressObserver(ProgressContext context, LineObserver lines) : IRunObserver
{
    private readonly Dictionary<string, ProgressTask> _tasks = new(StringComparer.Ordinal);

    public void Notice(string message) => lines.Notice(message);
    public void StepSkipped(StepDefinition step, string reason) => lines.StepSkipped(step, reason);
    public void StepStarting(StepDefinition step, int attempt) => lines.StepStarting(step, attempt);
    public void StepLog(StepDefinition step, string message, bool warning) => lines.StepLog(step, message, warning);
    public void StepWaiting(StepDefinition step, DateTimeOffset? until, string reason, bool sleeping) => lines.StepWaiting(step, until, reason, sleeping);

    public void StepProgress(StepDefinition step, StepProgress progress)
    {
        if (!_tasks.TryGetValue(step.Id, out var task))
        {
            task = _tasks[step.Id] = context.AddTask(Markup.Escape(step.Id));
        }

        // An unknown total is shown as a running count with an indeterminate bar, never as a false 100 %.
        task.IsIndeterminate = progress.Total <= 0;
        task.Description = Markup.Escape(progress.Total > 0
            ? $"{step.Id}: {progress.Activity}"
            : string.Create(CultureInfo.InvariantCulture, $"{step.Id}: {progress.Activity} ({progress.Done:N0} {progress.Unit})"));
        task.MaxValue = Math.Max(1, progress.Total);
        task.Value = progress.Total > 0 ? progress.Done : 0;
    }

    public void StepFinished(StepDefinition step, StepOutcome outcome)
    {
        if (_tasks.TryGetValue(step.Id, out var task))
        {
            if (outcome is StepOutcome.Done)
            {
                task.Value = task.MaxValue;
            }

            task.StopTask();
        }

        lines.StepFinished(step, outcome);
    }
}
