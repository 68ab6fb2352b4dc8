using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Runbook.Adapters.State;
using Runbook.Errors;
using Runbook.Tests.Support;

namespace Runbook.Tests.Adapters.State;

public sealed class StateLockTests
{
    private const string Plan = TestPlans.EngineHeader + """
        steps:
          - { id: backup, uses: test.effect, with: { units: 1 } }
        """;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Given_a_live_holder_When_another_handle_takes_the_lock_Then_it_is_refused_naming_the_holder()
    {
        using var dir = new TempDirectory();
        var state = Path.Combine(dir.Path, "s.db");
        using var held = StateLock.Acquire(state, "apply", _time, out _);

        var error = Assert.Throws<StateLockedException>(() => StateLock.Acquire(state, "apply", _time, out _));

        Assert.Contains($"pid {Environment.ProcessId} on {Environment.MachineName}", error.Message, StringComparison.Ordinal);
        Assert.Equal(ExitCode.Locked, error.ExitCode);
    }

    [Fact]
    public void Given_a_lock_file_naming_a_dead_process_When_taken_Then_it_is_taken_over_and_the_dead_holder_is_reported()
    {
        using var dir = new TempDirectory();
        var state = Path.Combine(dir.Path, "s.db");
        var dead = new LockHolder(DeadPid(), Environment.MachineName, _time.GetUtcNow(), "apply", new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        File.WriteAllText(StateLock.PathFor(state), JsonSerializer.Serialize(dead));

        using var taken = StateLock.Acquire(state, "apply", _time, out var stale);

        Assert.Equal(dead, stale);
        Assert.Equal(Environment.ProcessId, StateLock.Read(StateLock.PathFor(state))!.Pid);
    }

    [Fact]
    public void Given_a_lock_file_naming_another_host_but_no_OS_lock_When_taken_Then_it_is_taken_over_since_only_the_OS_lock_counts()
    {
        using var dir = new TempDirectory();
        var state = Path.Combine(dir.Path, "s.db");
        var remote = new LockHolder(DeadPid(), "some-other-host", _time.GetUtcNow(), "apply", DateTime.UnixEpoch);
        File.WriteAllText(StateLock.PathFor(state), JsonSerializer.Serialize(remote));

        using var taken = StateLock.Acquire(state, "apply", _time, out var stale);

        Assert.Equal(remote, stale);
    }

    [Fact]
    public void Given_a_released_lock_When_taken_again_Then_the_file_names_nobody_and_nothing_is_reported_stale()
    {
        using var dir = new TempDirectory();
        var state = Path.Combine(dir.Path, "s.db");

        StateLock.Acquire(state, "apply", _time, out _).Dispose();
        var afterRelease = StateLock.Read(StateLock.PathFor(state));
        using var again = StateLock.Acquire(state, "apply", _time, out var stale);

        Assert.Null(afterRelease);
        Assert.Null(stale);
    }

    [Fact]
    public async Task Given_a_real_apply_process_holding_the_lock_When_it_is_SIGKILLed_Then_the_lock_is_refused_before_and_taken_over_after()
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(Path.Combine(dir.Path, "plan.yaml"), Plan);
        var state = Path.Combine(dir.Path, "plan.runbook.db");
        var host = new TestHostProcess(dir.Path);
        using var running = await host.RunUntilAsync(1, "apply", "plan.yaml");

        var refused = Assert.Throws<StateLockedException>(() => StateLock.Acquire(state, "apply", _time, out _));
        var namedWhileHeld = StateLock.Read(StateLock.PathFor(state));
        await running.KillAsync();
        using var taken = StateLock.Acquire(state, "apply", _time, out var stale);

        Assert.Contains($"locked by pid {running.Pid} on {Environment.MachineName}", refused.Message, StringComparison.Ordinal);
        Assert.Equal(running.Pid, namedWhileHeld?.Pid);
        Assert.Equal(running.Pid, stale?.Pid);
        Assert.Equal(Environment.ProcessId, StateLock.Read(StateLock.PathFor(state))!.Pid);
    }

    /// <summary>A pid with no process: above the kernel's default pid_max range used here, checked to be free.</summary>
    private static int DeadPid()
    {
        for (var pid = 4_000_000; ; pid--)
        {
            if (!Directory.Exists($"/proc/{pid}"))
            {
                return pid;
            }
        }
    }
}
