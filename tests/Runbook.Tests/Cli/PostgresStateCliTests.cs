using System.Net;
using System.Net.Sockets;
using Runbook.Tests.Support;

namespace Runbook.Tests.Cli;

/// <summary><c>state: { backend: postgres }</c> through the real CLI, against the lab's PostgreSQL.</summary>
public sealed class PostgresStateCliTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.FromHours(9));

    private static string Plan(string variable) => TestPlans.EngineHeader + $$"""
        state: { backend: postgres, connection: { env: {{variable}} } }
        steps:
          - { id: backup, uses: test.effect, with: { units: 2 } }
          - { id: verify, uses: test.effect, with: { units: 3 } }
        """;

    [Fact]
    public async Task Given_a_postgres_state_When_applied_twice_Then_each_unit_is_written_once_and_no_sqlite_file_appears()
    {
        var connection = await StoreBackends.NewDatabaseAsync();
        var variable = Variable(connection);
        try
        {
            using var h = new CliHarness(Plan(variable), Now);

            var first = await h.RunAsync("apply", h.PlanPath);
            var second = await h.RunAsync("apply", h.PlanPath);
            var status = await h.RunAsync("status", h.PlanPath);

            Assert.Equal((0, 0), (first.ExitCode, second.ExitCode));
            Assert.Equal(5, h.Destination.TotalWrites);
            Assert.Equal(["acme.yaml"], Directory.GetFiles(h.Directory).Select(Path.GetFileName));
            Assert.Contains("done", status.Output, StringComparison.Ordinal);

            var log = await h.RunAsync("log", h.PlanPath, "--json");
            var reset = await h.RunAsync("reset", h.PlanPath, "verify");
            var third = await h.RunAsync("apply", h.PlanPath);
            Assert.Equal((0, 0, 0), (log.ExitCode, reset.ExitCode, third.ExitCode));
            Assert.Contains("\"event\": \"done\"", log.Output, StringComparison.Ordinal);
            Assert.Contains("1 step(s) ran, 1 already done", third.Output, StringComparison.Ordinal); // the reset reached PostgreSQL
            Assert.Contains("\"event\": \"reset\"", (await h.RunAsync("log", h.PlanPath, "--json")).Output, StringComparison.Ordinal);
            Assert.Equal(["acme.yaml"], Directory.GetFiles(h.Directory).Select(Path.GetFileName));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
            await StoreBackends.DropDatabaseAsync(connection);
        }
    }

    [Fact]
    public async Task Given_an_unreachable_postgres_When_applied_Then_it_exits_69_before_any_step_and_never_prints_the_password()
    {
        var variable = Variable($"Host=127.0.0.1;Port={ClosedPort()};Username=runbook;Password=s3cret-unreachable;Database=runbook;Timeout=3");
        using var h = new CliHarness(Plan(variable), Now);

        var (code, output) = await h.RunAsync("apply", h.PlanPath);

        Environment.SetEnvironmentVariable(variable, null);
        Assert.Equal(69, code);
        Assert.Equal(0, h.Destination.TotalWrites);
        Assert.Contains("unreachable", output, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_wrong_postgres_password_When_applied_Then_it_exits_77_before_any_step_and_never_prints_the_password()
    {
        var pg = await StoreBackends.PostgresAsync();
        var variable = Variable(pg.ConnectionString(password: "s3cret-wrong"));
        using var h = new CliHarness(Plan(variable), Now);

        var (code, output) = await h.RunAsync("apply", h.PlanPath);

        Environment.SetEnvironmentVariable(variable, null);
        Assert.Equal(77, code);
        Assert.Equal(0, h.Destination.TotalWrites);
        Assert.Contains($"postgres://127.0.0.1:{pg.Port}/runbook", output, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_sqlite_state_When_applied_as_a_worker_Then_it_is_a_usage_error_and_nothing_runs()
    {
        using var h = new CliHarness(TestPlans.EngineHeader + "steps:\n  - { id: backup, uses: test.effect, with: { units: 2 } }\n", Now);

        var (code, output) = await h.RunAsync("apply", h.PlanPath, "--worker");

        Assert.Equal(64, code);
        Assert.Contains("backend: postgres", output, StringComparison.Ordinal);
        Assert.Equal(0, h.Destination.TotalWrites);
    }

    /// <summary>Each test its own variable: tests run in parallel in one process.</summary>
    private static string Variable(string value)
    {
        var name = $"RUNBOOK_PG_{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(name, value);
        return name;
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
