using Runbook.Adapters.State.Postgres;
using Runbook.Engine;
using Runbook.Engine.Workers;
using Runbook.Plan.Model;
using Runbook.Tests.Support;

namespace Runbook.Tests.Engine.Workers;

/// <summary>Workers in one process over the lab's PostgreSQL: per-account work shared out, global steps once.</summary>
public sealed class WorkerEngineTests
{
    [Fact]
    public async Task Given_three_workers_on_one_plan_When_they_apply_at_once_Then_each_account_runs_once_and_the_global_step_once()
    {
        var connection = await StoreBackends.NewDatabaseAsync();
        try
        {
            using var dir = new TempDirectory();
            var accounts = Enumerable.Range(1, 9).Select(i => ($"u{i}@acme.test", $"u{i}")).ToArray();
            var plan = new TestPlanBuilder(dir.Path).AccountList(accounts).Step("copy", "test.per_account").Step("global", "test.effect").Build();
            var workers = Enumerable.Range(0, 3).Select(_ => new Worker(connection)).ToList();

            var results = await Task.WhenAll(workers.Select(w => w.ApplyAsync(plan, dir.Path)));

            Assert.All(results, r => Assert.IsType<ApplyResult.Completed>(r));
            var runs = workers.SelectMany(w => w.Kind.Runs).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Sum(p => p.Value));
            Assert.Equal(accounts.Select(a => a.Item1).Order(), runs.Keys.Order());
            Assert.All(runs.Values, n => Assert.Equal(1, n));
            Assert.Equal(3, workers.Sum(w => w.Destination.TotalWrites)); // the global step's 3 units, once
        }
        finally
        {
            await StoreBackends.DropDatabaseAsync(connection);
        }
    }

    [Fact]
    public async Task Given_a_per_account_step_with_no_account_When_workers_apply_Then_the_step_is_done_at_once()
    {
        var connection = await StoreBackends.NewDatabaseAsync();
        try
        {
            using var dir = new TempDirectory();
            var plan = new TestPlanBuilder(dir.Path).AccountList(("u1@acme.test", "u1"))
                .Step("copy", "test.per_account", change: s => s with { With = new() { ["accounts"] = "group:nobody" } }).Build();

            var result = await new Worker(connection).ApplyAsync(plan, dir.Path).WaitAsync(TimeSpan.FromSeconds(30));

            Assert.IsType<ApplyResult.Completed>(result);
        }
        finally
        {
            await StoreBackends.DropDatabaseAsync(connection);
        }
    }

    /// <summary>One worker: its own kinds (their counters are not shared), the shared PostgreSQL state.</summary>
    private sealed class Worker(string connection)
    {
        public PerAccountStepKind Kind { get; } = new();

        public FakeDestination Destination { get; } = new();

        public Task<ApplyResult> ApplyAsync(RunbookPlan plan, string directory)
        {
            var runner = new PlanRunner(new EngineServices
            {
                Kinds = new StepKindRegistry([Kind, new CountingStepKind(Destination)]),
                Time = TimeProvider.System,
                State = new PostgresStateBackend(_ => ValueTask.FromResult(connection), workers: true),
                Secrets = p => new Runbook.Adapters.Secrets.PlanSecretResolver(p),
            }, new RecordingObserver());
            var options = new ApplyOptions { StatePath = Path.Combine(directory, "unused.db") };
            return runner.ApplyAsWorkerAsync(plan, options, new WorkerOptions { Lease = TimeSpan.FromSeconds(5), Poll = TimeSpan.FromMilliseconds(100) }, CancellationToken.None);
        }
    }
}
