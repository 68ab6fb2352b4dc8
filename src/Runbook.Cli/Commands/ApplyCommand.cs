using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Runbook.Engine;
using Spectre.Console;

namespace Runbook.Cli.Commands;

/// <summary><c>runbook apply PLAN</c>: run the steps in order from the first one not done.</summary>
internal static class ApplyCommand
{
    public const string Details = """
        Runs the plan's steps in order, starting at the first one that is not done; done steps are skipped, so apply
        can be run again and again (after a wait, a crash, Ctrl+C) and never does anything twice. Every transition is
        saved in the state database before the next thing happens. Only one apply runs per state at a time.

        When a step waits (a closed window, an approval, a TTL to expire), apply saves, says what it waits for and
        until when, and exits 3; with --wait it sleeps until then and goes on. Ctrl+C lets the current unit finish or
        abandons it cleanly, saves, and exits 130. If the plan changed since the state was written, apply refuses
        (exit 64) and lists what would run again; `runbook plan` shows the change, --accept-plan-change accepts it.

        Exit codes: 0 all done, 1 a step failed (or a gate is not met), 3 waiting, 64 plan changed, a step kind
        this version cannot run yet, or usage,
        65 invalid plan, 69 unreachable, 75 locked by another apply, 77 authentication failed, 130 cancelled.

        Examples:
          runbook apply acme.yaml                         # run until done or until something waits
          runbook apply acme.yaml --wait                  # sleep through windows and waits (e.g. in tmux)
          runbook apply acme.yaml --step backup           # only that step (its gates must be met)
          runbook apply acme.yaml --from switch-mx        # that step and the ones after it
          runbook apply acme.yaml --accept-plan-change    # after editing the plan
          runbook apply acme.yaml --json | jq .result
          runbook apply acme.yaml --worker                # one of many workers (state.backend: postgres)
          runbook apply acme.yaml --shard 0/4             # a worker of a static split: shard 0 of 4
        """;

    public static Command Create(CliConsole console, EngineCli engine)
    {
        var plan = EngineOptions.Plan();
        var state = EngineOptions.State();
        var json = EngineOptions.Json();
        var wait = new Option<bool>("--wait") { Description = "Sleep through waits (windows, times, approvals) instead of exiting 3." };
        var step = new Option<string?>("--step") { HelpName = "ID", Description = "Run only this step." };
        var from = new Option<string?>("--from") { HelpName = "ID", Description = "Start at this step; earlier ones are not run." };
        var accept = new Option<bool>("--accept-plan-change") { Description = "Accept a changed plan: changed steps and the ones after them run again." };
        var worker = new Option<bool>("--worker") { Description = "Be one of many workers on this plan (state.backend: postgres): accounts are claimed one by one, global steps run once." };
        var shard = new Option<string?>("--shard") { HelpName = "i/N", Description = "A worker that takes only the accounts of shard i of N (a stable hash of the address); default: JOB_COMPLETION_INDEX/JOB_COMPLETIONS when set." };
        var lease = new Option<int>("--lease") { HelpName = "SECONDS", Description = "A worker's hold on an account without renewal; a dead worker's account is taken over after it.", DefaultValueFactory = _ => 30 };
        var command = new Command("apply", "Run the plan from the first step not done; resumable, never does anything twice.")
        {
            plan, wait, step, from, accept, json, state, worker, shard, lease,
        };
        command.SetAction((parse, ct) => RunAsync(console, engine, parse.GetValue(plan)!, WorkerMode.From(parse.GetValue(worker), parse.GetValue(shard), parse.GetValue(lease)), new ApplyOptions
        {
            StatePath = parse.GetValue(state) ?? "",
            Wait = parse.GetValue(wait),
            OnlyStep = parse.GetValue(step),
            FromStep = parse.GetValue(from),
            AcceptPlanChange = parse.GetValue(accept),
        }, parse.GetValue(state), parse.GetValue(json), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, EngineCli engine, string path, Runbook.Engine.Workers.WorkerOptions? workers, ApplyOptions options, string? state, bool json, CancellationToken cancellationToken)
    {
        var plan = await engine.LoadAsync(path, console, cancellationToken);
        engine = engine.ForPlan(plan, workers is not null);
        options = options with { StatePath = EngineCli.StatePath(plan, state), Command = $"runbook apply {path}" };
        if (json)
        {
            var events = new JsonObserver();
            var outcome = await WorkerMode.ApplyAsync(engine.Runner(events), plan, options, workers, cancellationToken);
            var document = ApplyResultJson.Describe(outcome);
            document["state"] = options.StatePath;
            document["events"] = events.Events;
            await console.Out.WriteLineAsync(document.ToJsonString(ApplyResultJson.Indented));
            return (int)ErrorMapping.ExitCodeFor(outcome);
        }

        var lines = new LineObserver(console);
        var result = console.Ansi is { } ansi
            ? await ansi.Progress().AutoClear(true).HideCompleted(true)
                .StartAsync(context => WorkerMode.ApplyAsync(engine.Runner(new ProgressObserver(context, lines)), plan, options, workers, cancellationToken))
            : await WorkerMode.ApplyAsync(engine.Runner(lines), plan, options, workers, cancellationToken);
        Summarize(console, path, result);
        return (int)ErrorMapping.ExitCodeFor(result);
    }

    private static void Summarize(CliConsole console, string path, ApplyResult result)
    {
        switch (result)
        {
            case ApplyResult.Completed { OpenExceptions: > 0 } c:
                console.Line($"done with exceptions: {c.Ran} step(s) ran, {c.Skipped} already done; {c.OpenExceptions} message(s) refused or altered by the new server and not accepted", "yellow");
                console.Line($"see them with `runbook status {path}`; a later pass retries refused ones; `runbook accept {path} STEP --message ID --reason TEXT` records a decision");
                break;
            case ApplyResult.Completed c:
                console.Line($"done: {c.Ran} step(s) ran, {c.Skipped} already done", "green");
                break;
            case ApplyResult.Waiting w:
                console.Line($"waiting at step {w.StepId}: {w.Reason}", "yellow");
                console.Line(w.Until is { } until
                    ? string.Create(CultureInfo.InvariantCulture, $"run `runbook apply {path}` again after {until:yyyy-MM-dd HH:mm:ss}Z, or add --wait")
                    : $"run `runbook apply {path}` again once that is done");
                break;
            case ApplyResult.Failed f:
                console.Line($"failed at step {f.StepId}: {f.Message}", "red");
                break;
            case ApplyResult.PlanChanged changed:
                console.Line("the plan changed since the state was written:", "yellow");
                PlanCommand.PrintChanges(console, changed.Diff);
                console.Line($"see `runbook plan {path}`; accept with `runbook apply {path} --accept-plan-change`", "yellow");
                break;
            case ApplyResult.Cancelled cancelled:
                console.Line($"cancelled{(cancelled.StepId is { } s ? $" at step {s}" : "")}; the state is saved, `runbook apply {path}` resumes", "yellow");
                break;
        }
    }
}

/// <summary>The JSON shape of an apply's result, shared by <c>apply --json</c> and tests.</summary>
internal static class ApplyResultJson
{
    // Relaxed escaping: "+09:00" and Japanese folder names print as themselves, not as \u escapes.
    public static readonly System.Text.Json.JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static readonly System.Text.Json.JsonSerializerOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonObject Describe(ApplyResult result) => result switch
    {
        ApplyResult.Completed c => new() { ["result"] = c.OpenExceptions > 0 ? "done-with-exceptions" : "completed", ["ran"] = c.Ran, ["skipped"] = c.Skipped, ["open_exceptions"] = c.OpenExceptions },
        ApplyResult.Waiting w => new() { ["result"] = "waiting", ["step"] = w.StepId, ["until"] = w.Until?.ToString("O", CultureInfo.InvariantCulture), ["reason"] = w.Reason },
        ApplyResult.Failed f => new() { ["result"] = "failed", ["step"] = f.StepId, ["message"] = f.Message, ["retryable"] = f.Retryable },
        ApplyResult.PlanChanged p => new() { ["result"] = "plan-changed", ["changes"] = PlanCommand.ChangesJson(p.Diff), ["invalidated"] = new JsonArray([.. p.Diff.Invalidated.Select(i => JsonValue.Create(i))]) },
        ApplyResult.Cancelled x => new() { ["result"] = "cancelled", ["step"] = x.StepId },
        _ => throw new ArgumentOutOfRangeException(nameof(result)),
    };
}
