using Microsoft.Extensions.Time.Testing;
using Runbook.Adapters.State;
using Runbook.Engine;
using Runbook.Tests.Support;

namespace Runbook.Tests.Cli;

/// <summary>SIGKILL a real `runbook apply` at every kill point of a three-step plan, restart it, count the effects.</summary>
public sealed class KillAndResumeTests
{
    private const string Plan = TestPlans.EngineHeader + """
        steps:
          - { id: backup, uses: test.effect, with: { units: 2 } }
          - { id: migrate, uses: test.effect, with: { units: 3 }, requires: [backup] }
          - { id: verify, uses: test.effect, with: { units: 2 }, requires: [migrate] }
        """;

    private static readonly string[] Effects = ["backup/1", "backup/2", "migrate/1", "migrate/2", "migrate/3", "verify/1", "verify/2"];

    // Each step has a point at its start and end and three per unit: 8 + 11 + 8.
    public static TheoryData<int> KillPoints => [.. Enumerable.Range(1, 27)];

    [Theory]
    [MemberData(nameof(KillPoints))]
    public async Task Given_apply_killed_at_a_point_When_it_is_run_again_Then_the_run_completes_and_every_effect_happened_exactly_once(int point)
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(Path.Combine(dir.Path, "plan.yaml"), Plan);
        var host = new TestHostProcess(dir.Path);

        var killedAt = await host.RunAndKillAsync(point, "apply", "plan.yaml");
        var (exitCode, output) = await host.RunAsync("apply", "plan.yaml");

        Assert.StartsWith($"{point} ", killedAt, StringComparison.Ordinal);
        Assert.True(exitCode == 0, output);
        var writes = host.WritesPerKey();
        Assert.Equal(Effects, writes.Keys.Order(StringComparer.Ordinal));
        Assert.All(writes, w => Assert.Equal(1, w.Value));
        await using var state = await StateStore.OpenReadOnlyAsync(Path.Combine(dir.Path, "plan.runbook.db"), new FakeTimeProvider(), CancellationToken.None);
        Assert.All((await state!.GetStepsAsync(CancellationToken.None)).Values, s => Assert.Equal(StepStatus.Done, s.Status));
    }

    [Fact]
    public async Task Given_a_killed_apply_When_killed_again_further_on_and_resumed_Then_it_completes_with_each_effect_once_and_a_third_apply_does_nothing()
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(Path.Combine(dir.Path, "plan.yaml"), Plan);
        var host = new TestHostProcess(dir.Path);

        await host.RunAndKillAsync(6, "apply", "plan.yaml");
        await host.RunAndKillAsync(14, "apply", "plan.yaml");
        var (resumed, output) = await host.RunAsync("apply", "plan.yaml");
        var (again, againOutput) = await host.RunAsync("apply", "plan.yaml");

        Assert.True(resumed == 0, output);
        Assert.Contains("took over a stale lock", output, StringComparison.Ordinal);
        Assert.Equal(0, again);
        Assert.Contains("done: 0 step(s) ran, 3 already done", againOutput, StringComparison.Ordinal);
        Assert.Equal(Effects.Length, host.WritesPerKey().Values.Sum());
    }

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public async Task Given_apply_in_the_middle_of_a_step_When_it_gets_ctrl_c_or_sigterm_Then_it_saves_exits_130_and_the_next_apply_finishes(string signal)
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(Path.Combine(dir.Path, "plan.yaml"), Plan);
        var host = new TestHostProcess(dir.Path);

        var (stopped, stoppedOutput) = await host.RunAndSignalAsync(13, signal, "apply", "plan.yaml"); // migrate/2, after its write
        var lockLeft = StateLock.Read(Path.Combine(dir.Path, "plan.runbook.db.lock")) is not null; // released: the file names nobody
        var (_, status) = await host.RunAsync("status", "plan.yaml", "--json");
        var (resumed, output) = await host.RunAsync("apply", "plan.yaml");

        Assert.True(stopped == 130, stoppedOutput);
        Assert.Contains("cancelled at step migrate; the state is saved", stoppedOutput, StringComparison.Ordinal);
        Assert.False(lockLeft);
        Assert.Contains("\"status\": \"pending\"", status, StringComparison.Ordinal);
        Assert.True(resumed == 0, output);
        Assert.DoesNotContain("stale lock", output, StringComparison.Ordinal); // the interrupted apply released it
        Assert.Equal(Effects, host.WritesPerKey().Keys.Order(StringComparer.Ordinal));
        Assert.All(host.WritesPerKey(), w => Assert.Equal(1, w.Value));
    }

    [Fact]
    public async Task Given_the_state_of_a_killed_apply_When_plan_runs_Then_the_database_and_its_wal_are_unchanged_and_nothing_is_written()
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(Path.Combine(dir.Path, "plan.yaml"), Plan);
        var host = new TestHostProcess(dir.Path);
        await host.RunAndKillAsync(12, "apply", "plan.yaml");
        var db = Path.Combine(dir.Path, "plan.runbook.db");
        var before = (await File.ReadAllBytesAsync(db), await File.ReadAllBytesAsync(db + "-wal"));
        var writes = host.WritesPerKey().Values.Sum();

        var (exitCode, output) = await host.RunAsync("plan", "plan.yaml", "--detailed-exitcode");

        Assert.True(exitCode == 2, output);
        Assert.Equal(before.Item1, await File.ReadAllBytesAsync(db));
        Assert.Equal(before.Item2, await File.ReadAllBytesAsync(db + "-wal"));
        Assert.Equal(writes, host.WritesPerKey().Values.Sum());
        Assert.Contains("migrate (test.effect): write", output, StringComparison.Ordinal);
    }
}
