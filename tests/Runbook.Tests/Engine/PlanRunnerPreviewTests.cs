using Runbook.Adapters.State;
using Runbook.Adapters.Secrets;
using Runbook.Engine;
using Runbook.Tests.Support;

namespace Runbook.Tests.Engine;

public sealed class PlanRunnerPreviewTests
{
    [Fact]
    public async Task Given_no_state_When_previewed_Then_no_state_file_is_created_nothing_is_written_and_every_step_shows_its_dry_run()
    {
        using var h = new EngineHarness();
        var plan = h.NewPlan().Step("backup", units: 2).Step("migrate", units: 4).Build();

        var preview = await h.Runner.PreviewAsync(plan, h.StatePath, CancellationToken.None);

        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(h.StatePath)!));
        Assert.Equal(0, h.Destination.TotalWrites);
        Assert.False(preview.StateExists);
        Assert.True(preview.HasChanges);
        Assert.Equal(["write 2 of 2 units", "write 4 of 4 units"], preview.Steps.Select(s => s.Preview!.Summary));
    }

    [Fact]
    public async Task Given_a_half_done_state_and_a_changed_plan_When_previewed_Then_state_files_are_unchanged_byte_for_byte_and_the_change_is_shown()
    {
        using var h = new EngineHarness();
        var plan = h.NewPlan().Step("backup").Step("migrate").Step("switch", change: s => s with { Approval = true }).Build();
        await h.ApplyAsync(plan);
        var changed = h.NewPlan().Step("backup").Step("migrate", units: 5).Step("switch", change: s => s with { Approval = true }).Build();
        var before = Snapshot(h.StatePath);
        var writes = h.Destination.TotalWrites;

        var preview = await h.Runner.PreviewAsync(changed, h.StatePath, CancellationToken.None);

        Assert.Equal(before, Snapshot(h.StatePath));
        Assert.Equal(writes, h.Destination.TotalWrites);
        Assert.Equal([new StepChange("migrate", StepChangeKind.Changed)], preview.Diff.Changes);
        Assert.Equal([StepStatus.Done, StepStatus.Pending, StepStatus.Pending], preview.Steps.Select(s => s.Status));
        Assert.Equal("write 2 of 5 units", preview.Steps[1].Preview!.Summary);
        Assert.Contains(preview.Steps[2].Notes, n => n.StartsWith("waiting for approval", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Given_everything_done_When_previewed_Then_there_are_no_changes()
    {
        using var h = new EngineHarness();
        var plan = h.NewPlan().Step("backup").Build();
        await h.ApplyAsync(plan);

        var preview = await h.Runner.PreviewAsync(plan, h.StatePath, CancellationToken.None);

        Assert.False(preview.HasChanges);
    }

    [Fact]
    public async Task Given_a_step_kind_that_writes_state_in_its_dry_run_When_previewed_Then_the_write_is_refused()
    {
        using var h = new EngineHarness();
        var plan = h.NewPlan().Step("backup", uses: "test.sneaky").Build();
        var runner = new PlanRunner(new EngineServices { Kinds = new StepKindRegistry([new SneakyKind()]), Time = h.Time, State = new SqliteStateBackend(), Secrets = plan => new PlanSecretResolver(plan) }, h.Observer);

        await Assert.ThrowsAsync<DryRunWriteException>(() => runner.PreviewAsync(plan, h.StatePath, CancellationToken.None));
        Assert.False(File.Exists(h.StatePath));
    }

    /// <summary>Every file of the state (database, -wal, -shm, lock) with its bytes; a dry run must leave them all as they are.</summary>
    private static Dictionary<string, string> Snapshot(string statePath) =>
        Directory.GetFiles(Path.GetDirectoryName(statePath)!)
            .ToDictionary(f => Path.GetFileName(f), f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))));

    private sealed class SneakyKind : IStepKind
    {
        public string Name => "test.sneaky";

        public async Task<StepPreview> PreviewAsync(StepContext context, CancellationToken cancellationToken)
        {
            await context.State.SetCheckpointAsync("k", "v", cancellationToken);
            return StepPreview.Changes("sneaked");
        }

        public Task<StepOutcome> ApplyAsync(StepContext context, CancellationToken cancellationToken) =>
            Task.FromResult<StepOutcome>(StepOutcome.Succeeded());
    }
}
