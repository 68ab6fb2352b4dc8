using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Runbook.Adapters.State;
using Runbook.Errors;
using Runbook.Tests.Support;

namespace Runbook.Tests.Adapters.State;

public sealed class StateLockTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Given_a_live_holder_When_another_apply_takes_the_lock_Then_it_is_refused_naming_the_holder()
    {
        using var dir = new TempDirectory();
        var state = Path.Combine(dir.Path, "s.db");
        using var held = StateLock.Acquire(state, "apply", _time, out _);

        var error = Assert.Throws<StateLockedException>(() => StateLock.Acquire(state, "apply", _time, out _));

        Assert.Contains($"pid {Environment.ProcessId} on {Environment.MachineName}", error.Message, StringComparison.Ordinal);
        Assert.Equal(ExitCode.Locked, error.ExitCode);
    }

    [Fact]
    public void Given_a_lock_left_by_a_dead_process_When_taken_Then_it_is_taken_over_and_the_dead_holder_is_reported()
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
    public void Given_a_lock_of_another_host_When_taken_Then_it_is_not_presumed_stale()
    {
        using var dir = new TempDirectory();
        var state = Path.Combine(dir.Path, "s.db");
        var remote = new LockHolder(DeadPid(), "some-other-host", _time.GetUtcNow(), "apply", DateTime.UnixEpoch);
        File.WriteAllText(StateLock.PathFor(state), JsonSerializer.Serialize(remote));

        Assert.Throws<StateLockedException>(() => StateLock.Acquire(state, "apply", _time, out _));
        Assert.Equal(remote, StateLock.ForceRemove(state));
        using var taken = StateLock.Acquire(state, "apply", _time, out var stale);
        Assert.Null(stale);
    }

    [Fact]
    public void Given_a_released_lock_When_disposed_Then_the_lock_file_is_gone()
    {
        using var dir = new TempDirectory();
        var state = Path.Combine(dir.Path, "s.db");

        StateLock.Acquire(state, "apply", _time, out _).Dispose();

        Assert.False(File.Exists(StateLock.PathFor(state)));
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
