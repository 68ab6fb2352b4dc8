using System.CommandLine;
using Runbook.Adapters.State.Postgres;
using Runbook.Errors;
using Runbook.Plan.Model;

namespace Runbook.Cli.Commands;

/// <summary><c>runbook state migrate PLAN --to postgres</c>: move a plan's SQLite state into its PostgreSQL database.</summary>
internal static class StateCommand
{
    public const string Details = """
        migrate copies a plan's SQLite state (steps, checkpoints, approvals, journal, copy ledger, exceptions) into
        the PostgreSQL database that the plan's state.connection names, in one transaction. Set the plan's state to
        postgres first; the SQLite file (PLAN with .runbook.db, or --from) is read under its lock and left as it was.
        The database must hold no state yet. Afterwards every verb, and any number of `apply --worker`, use PostgreSQL.

        Exit codes: 0 moved, 64 usage (the plan does not say postgres, no SQLite state, the database is not empty),
        69 PostgreSQL unreachable, 75 an apply holds the SQLite state, 77 login refused.

        Examples:
          export RUNBOOK_PG='Host=db;Database=acme;Username=runbook;Password=...'
          runbook state migrate acme.yaml --to postgres
          runbook state migrate acme.yaml --to postgres --from /backups/acme.runbook.db
        """;

    public static Command Create(CliConsole console, EngineCli engine)
    {
        var plan = EngineOptions.Plan();
        var to = new Option<string>("--to") { HelpName = "BACKEND", Description = "The backend to move the state to.", Required = true };
        to.AcceptOnlyFromAmong("postgres");
        var from = new Option<string?>("--from") { HelpName = "PATH", Description = "The SQLite state file (default: PLAN with the extension .runbook.db)." };
        var migrate = new Command("migrate", "Move a plan's SQLite state into PostgreSQL.") { plan, to, from };
        migrate.SetAction((parse, ct) => MigrateAsync(console, engine, parse.GetValue(plan)!, parse.GetValue(from), ct));
        return new Command("state", "Manage where a plan's state lives.") { migrate };
    }

    private static async Task<int> MigrateAsync(CliConsole console, EngineCli engine, string path, string? from, CancellationToken cancellationToken)
    {
        var plan = await engine.LoadAsync(path, console, cancellationToken);
        if (plan.State.Backend != StateBackendKind.Postgres || plan.State.Connection is not { } reference)
        {
            throw new UsageException($"{path} keeps its state in SQLite: set state: {{ backend: postgres, connection: {{ env: RUNBOOK_PG }} }} first");
        }

        var sqlite = EngineCli.StatePath(plan.SourcePath, null, from);
        var connection = await new Runbook.Adapters.Secrets.PlanSecretResolver(plan).ResolveAsync(reference, cancellationToken);
        var copied = await SqliteToPostgresCopier.CopyAsync(sqlite, connection, engine.Time, cancellationToken);
        console.Line($"moved {sqlite} to {PostgresConnector.Describe(connection)}: " +
            string.Join(", ", copied.Where(c => c.Value > 0).Select(c => $"{c.Key} {c.Value}")), "green");
        return 0;
    }
}
