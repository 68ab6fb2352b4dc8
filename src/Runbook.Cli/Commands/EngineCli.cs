using System.CommandLine;
using Runbook.Engine;
using Runbook.Errors;
using Runbook.Plan;
using Runbook.Plan.Model;
using Runbook.Plan.Steps;
using Runbook.Plan.Validation;

namespace Runbook.Cli.Commands;

/// <summary>
/// The composition root of the engine verbs: which step kinds, which mail and DNS adapters, which state store and
/// which secret resolver a run uses. The test host swaps in its own kinds and clock.
/// </summary>
internal sealed record EngineCli(TimeProvider Time, StepKindRegistry Kinds)
{
    /// <summary>Null: sleep on <see cref="Time"/>.</summary>
    public ISleeper? Sleeper { get; init; }

    /// <summary>Where the state lives: one SQLite file per plan.</summary>
    public IStateBackend State { get; init; } = new Runbook.Adapters.State.SqliteStateBackend();

    public static EngineCli Production(TimeProvider time) => new(time, ProductionKinds(time));

    /// <summary>
    /// The engine for this plan: its <c>state.backend</c> decides where the state lives. The PostgreSQL connection
    /// string is resolved from its secret reference only when the state is opened. <paramref name="workers"/>: many
    /// applies share the state (no exclusive apply lock).
    /// </summary>
    public EngineCli ForPlan(RunbookPlan plan, bool workers = false) => plan.State.Backend switch
    {
        StateBackendKind.Postgres => this with
        {
            State = new Runbook.Adapters.State.Postgres.PostgresStateBackend(
                ct => Secrets(plan).ResolveAsync(plan.State.Connection ?? throw new UsageException("state.connection is not set"), ct), workers),
        },
        _ => this,
    };

    /// <summary>
    /// The built-in step kinds over the real adapters: MailKit and raw IMAP/POP3 for mail, MailKit SMTP for
    /// notifications and verify's round trip, DnsClient and ARSoft for DNS, Scriban for reports, SQLite for the state.
    /// </summary>
    public static StepKindRegistry ProductionKinds(TimeProvider time) =>
        Runbook.Steps.BuiltInSteps.Create(new Runbook.Steps.StepAdapters(
            new Runbook.Adapters.Mail.MailConnector(), new Runbook.Adapters.Dns.DnsAdapter(time), new Runbook.Adapters.Mail.Smtp.SmtpRoundTrip(),
            new Runbook.Adapters.Mail.Smtp.SmtpNotificationSender(), new Runbook.Adapters.Report.ScribanReportRenderer(), new Runbook.Adapters.State.SqliteStateBackend()));

    public PlanRunner Runner(IRunObserver observer) => new(new EngineServices
    {
        Kinds = Kinds,
        Time = Time,
        Sleeper = Sleeper,
        State = State,
        Secrets = Secrets,
        Events = Events ?? new Runbook.Steps.Notify.NotificationEvents(
            new Runbook.Steps.Notify.NotificationDelivery(new Runbook.Adapters.Mail.Smtp.SmtpNotificationSender(), Time, new Runbook.Steps.Notify.NotifyRetry(), Sleeper), Secrets),
    }, observer);

    /// <summary>Where run events go; null: the plan's notifications, mailed through servers.new.smtp.</summary>
    public IRunEvents? Events { get; init; }

    private static ISecretResolver Secrets(RunbookPlan plan) => new Runbook.Adapters.Secrets.PlanSecretResolver(plan);

    /// <summary>
    /// Where the engine verbs remember plans whose schema check found nothing (see <see cref="SchemaCheckCache"/>):
    /// $XDG_CACHE_HOME/runbook/schema-checked or ~/.cache/runbook/schema-checked; null checks every plan in full.
    /// </summary>
    public SchemaCheckCache? SchemaCache { get; init; } = SchemaCheckCache.ForUser();

    /// <summary>
    /// The loader every verb uses (validate included), so a plan checks the same way everywhere: kinds registered
    /// beyond the language's (test kinds) are accepted with any <c>with:</c>. <paramref name="cached"/>: a plan whose
    /// schema check found nothing before skips it (the engine verbs); validate always checks in full.
    /// </summary>
    public PlanLoader Loader(bool cached = false) =>
        new(new PlanLoaderOptions
        {
            ExtraStepKinds = Kinds.Names.Except(StepKinds.BuiltIn, StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal),
            SchemaCache = cached ? SchemaCache : null,
        });

    /// <summary>Loads and validates the plan; prints the problems and throws (exit 65) when it is invalid.</summary>
    public async Task<RunbookPlan> LoadAsync(string path, CliConsole console, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"no such plan file: {path}");
        }

        var result = await Loader(cached: true).LoadAsync(path, cancellationToken);
        foreach (var diagnostic in result.Diagnostics)
        {
            await console.Error.WriteLineAsync(diagnostic.ToString());
        }

        return result.IsValid ? result.Plan! : throw new UsageException($"{path} is not a valid plan (see `runbook validate {path}`)", ExitCode.InvalidPlan);
    }

    /// <summary>--state, else the plan's state.path (relative to the plan), else PLAN with the extension .runbook.db.</summary>
    public static string StatePath(string planPath, string? configured, string? overridePath)
    {
        if (overridePath is not null)
        {
            return Path.GetFullPath(overridePath);
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(planPath))!;
        return configured is not null ? Path.GetFullPath(configured, folder) : Path.ChangeExtension(Path.GetFullPath(planPath), ".runbook.db");
    }

    public static string StatePath(RunbookPlan plan, string? overridePath) => StatePath(plan.SourcePath, plan.State.Path, overridePath);

    /// <summary>
    /// The plan's state for a verb that writes outside an apply (approve, accept, reset). PostgreSQL is opened without
    /// the apply lock: workers may be running, and each of these writes is one transaction of its own.
    /// </summary>
    public async Task<Runbook.Adapters.State.StateStore> OpenStoreAsync(RunbookPlan? plan, string statePath, CancellationToken cancellationToken)
    {
        if (plan is not { State.Backend: StateBackendKind.Postgres })
        {
            return await Runbook.Adapters.State.StateStore.OpenAsync(statePath, Time, cancellationToken);
        }

        var session = await ForPlan(plan, workers: true).State.OpenForApplyAsync(statePath, "runbook", Time, cancellationToken);
        return (Runbook.Adapters.State.StateStore)session.Store;
    }

    /// <summary>Reads the state of a plan that may not load (log): PostgreSQL when the plan loads and says so, else the SQLite file.</summary>
    public async Task<IStateStore?> OpenReadOnlyLenientAsync(string planPath, string statePath, CancellationToken cancellationToken) =>
        await LenientPlanAsync(planPath, cancellationToken) is { State.Backend: StateBackendKind.Postgres } plan
            ? await ForPlan(plan).State.OpenReadOnlyAsync(statePath, Time, cancellationToken)
            : await Runbook.Adapters.State.StateStore.OpenReadOnlyAsync(statePath, Time, cancellationToken);

    /// <summary>The plan when it loads with every registered kind counted as extra (a wrong with: of a built-in kind does not hide its state), else null.</summary>
    public async Task<RunbookPlan?> LenientPlanAsync(string planPath, CancellationToken cancellationToken) =>
        File.Exists(planPath)
            ? (await new PlanLoader(new PlanLoaderOptions { ExtraStepKinds = Kinds.Names.ToHashSet(StringComparer.Ordinal) }).LoadAsync(planPath, cancellationToken)).Plan
            : null;

    /// <summary>The state of a plan that may not load (log, unlock): the plan's own setting when it loads, else the default.</summary>
    public async Task<string> StatePathLenientAsync(string planPath, string? overridePath, CancellationToken cancellationToken)
    {
        if (overridePath is not null || !File.Exists(planPath))
        {
            return StatePath(planPath, null, overridePath);
        }

        // Every registered kind counts as extra here, so a wrong with: of a built-in kind does not hide state.path.
        var result = await new PlanLoader(new PlanLoaderOptions { ExtraStepKinds = Kinds.Names.ToHashSet(StringComparer.Ordinal) }).LoadAsync(planPath, cancellationToken);
        return StatePath(planPath, result.Plan?.State.Path, null);
    }
}

/// <summary>Arguments and options shared by the engine verbs.</summary>
internal static class EngineOptions
{
    public static Argument<string> Plan() => new("PLAN") { Description = "The plan file (YAML)." };

    public static Argument<string> Step() => new("STEP") { Description = "A step id of the plan." };

    public static Option<string?> State() => new("--state") { HelpName = "PATH", Description = "The state database (default: PLAN with the extension .runbook.db, or the plan's state.path)." };

    public static Option<bool> Json() => new("--json") { Description = "One JSON document on stdout, for scripts." };
}
