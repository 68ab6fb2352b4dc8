using Npgsql;
using Runbook.Tests.Support;

namespace Runbook.Tests.Cli;

/// <summary><c>runbook state migrate PLAN --to postgres</c> moves a SQLite state; the next apply goes on from it.</summary>
public sealed class StateMigrateCliTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.FromHours(9));

    private const string Steps = """
        steps:
          - { id: backup, uses: test.effect, with: { units: 2 } }
          - { id: verify, uses: test.effect, with: { units: 3 } }
        """;

    [Fact]
    public async Task Given_an_applied_sqlite_state_When_moved_to_postgres_Then_the_next_apply_does_nothing_again_and_the_journal_is_kept()
    {
        var connection = await StoreBackends.NewDatabaseAsync();
        var variable = $"RUNBOOK_PG_{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(variable, connection);
        try
        {
            using var h = new CliHarness(TestPlans.EngineHeader + Steps, Now);
            Assert.Equal(0, (await h.RunAsync("apply", h.PlanPath)).ExitCode);
            var sqliteJournal = (await h.RunAsync("log", h.PlanPath, "--json")).Output;
            File.WriteAllText(h.PlanPath, TestPlans.EngineHeader + $"state: {{ backend: postgres, connection: {{ env: {variable} }} }}\n" + Steps);

            var (code, output) = await h.RunAsync("state", "migrate", h.PlanPath, "--to", "postgres");
            var again = await h.RunAsync("apply", h.PlanPath);
            var twice = await h.RunAsync("state", "migrate", h.PlanPath, "--to", "postgres");

            Assert.True(code == 0, output);
            Assert.Contains("steps 2", output, StringComparison.Ordinal);
            Assert.Equal(0, again.ExitCode);
            Assert.Contains("0 step(s) ran, 2 already done", again.Output, StringComparison.Ordinal);
            Assert.Equal(5, h.Destination.TotalWrites);
            Assert.Equal(64, twice.ExitCode);
            Assert.Contains("not empty", twice.Output, StringComparison.Ordinal);
            Assert.Equal(Events(sqliteJournal), await PostgresEventsAsync(connection, Events(sqliteJournal).Count));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
            await StoreBackends.DropDatabaseAsync(connection);
        }
    }

    private static List<string> Events(string logJson) => [.. System.Text.Json.Nodes.JsonNode.Parse(logJson)!.AsArray().Select(e => (string)e!["event"]!)];

    /// <summary>The first <paramref name="count"/> journal events in PostgreSQL, by sequence number.</summary>
    private static async Task<List<string>> PostgresEventsAsync(string connection, int count)
    {
        await using var raw = new NpgsqlConnection(connection);
        await raw.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT event FROM journal WHERE seq <= {count} ORDER BY seq", raw);
        await using var reader = await command.ExecuteReaderAsync();
        var events = new List<string>();
        while (await reader.ReadAsync())
        {
            events.Add(reader.GetString(0));
        }

        return events;
    }
}
