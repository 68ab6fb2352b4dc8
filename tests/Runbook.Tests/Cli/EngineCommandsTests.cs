using System.Text.Json.Nodes;
using Runbook.Tests.Support;

namespace Runbook.Tests.Cli;

public sealed class EngineCommandsTests
{
    // Saturday 2026-12-05, 12:00 in Tokyo; the cutover window opens at 22:00.
    private static readonly DateTimeOffset SaturdayNoon = new(2026, 12, 5, 12, 0, 0, TimeSpan.FromHours(9));

    private const string Plan = TestPlans.EngineHeader + """
        windows:
          cutover: { days: [sat], from: "22:00", to: "04:00" }
        steps:
          - { id: backup, uses: test.effect, with: { units: 2 } }
          - { id: switch, uses: test.effect, with: { units: 1 }, window: cutover, approval: true, requires: [backup] }
          - { id: verify, uses: test.effect, with: { units: 2 } }
        """;

    [Fact]
    public async Task Given_no_state_When_plan_runs_with_detailed_exitcode_Then_it_exits_2_creates_no_file_and_writes_nothing()
    {
        using var h = new CliHarness(Plan, SaturdayNoon);

        var (code, output) = await h.RunAsync("plan", h.PlanPath, "--detailed-exitcode");

        Assert.Equal(2, code);
        Assert.Equal(["acme.yaml"], System.IO.Directory.GetFiles(h.Directory).Select(Path.GetFileName));
        Assert.Equal(0, h.Destination.TotalWrites);
        Assert.Contains("+ backup (test.effect): write 2 of 2 units", output, StringComparison.Ordinal);
        Assert.Contains("note: waiting for approval", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_an_applied_state_When_plan_status_and_log_run_Then_every_state_file_is_unchanged_byte_for_byte()
    {
        using var h = new CliHarness(Plan, SaturdayNoon);
        await h.RunAsync("apply", h.PlanPath);
        var before = Snapshot(h.Directory);
        var writes = h.Destination.TotalWrites;

        var (code, output) = await h.RunAsync("plan", h.PlanPath, "--json");
        await h.RunAsync("status", h.PlanPath);
        await h.RunAsync("log", h.PlanPath, "--json");

        Assert.Equal(0, code);
        Assert.Equal(before, Snapshot(h.Directory));
        Assert.Equal(writes, h.Destination.TotalWrites);
        var json = JsonNode.Parse(output)!;
        Assert.Equal("done", (string?)json["steps"]![0]!["status"]);
        Assert.True((bool)json["hasChanges"]!);
    }

    [Fact]
    public async Task Given_a_gated_step_in_a_closed_window_When_the_migration_is_driven_through_the_cli_Then_exit_codes_follow_its_lifecycle()
    {
        using var h = new CliHarness(Plan, SaturdayNoon);

        var waitingForApproval = await h.RunAsync("apply", h.PlanPath);
        var approved = await h.RunAsync("approve", h.PlanPath, "switch", "--by", "Yuki Tanaka");
        var waitingForWindow = await h.RunAsync("apply", h.PlanPath, "--json");
        var status = await h.RunAsync("status", h.PlanPath, "--json");
        var done = await h.RunAsync("apply", h.PlanPath, "--wait");
        var log = await h.RunAsync("log", h.PlanPath);

        Assert.Equal(3, waitingForApproval.ExitCode);
        Assert.Contains("waiting at step switch: waiting for approval", waitingForApproval.Output, StringComparison.Ordinal);
        Assert.Equal(0, approved.ExitCode);
        Assert.True(waitingForWindow.ExitCode == 3, waitingForWindow.Output);
        Assert.Equal(new DateTimeOffset(2026, 12, 5, 13, 0, 0, TimeSpan.Zero), DateTimeOffset.Parse((string)JsonNode.Parse(waitingForWindow.Output)!["until"]!, System.Globalization.CultureInfo.InvariantCulture));
        var switchStatus = JsonNode.Parse(status.Output)!["steps"]![1]!;
        Assert.Equal(("waiting", "Yuki Tanaka"), ((string?)switchStatus["status"], (string?)switchStatus["approval"]!["by"]));
        Assert.Equal(0, done.ExitCode);
        Assert.Equal([new DateTimeOffset(2026, 12, 5, 13, 0, 0, TimeSpan.Zero)], h.Sleeper.Sleeps);
        Assert.Equal(5, h.Destination.TotalWrites);
        Assert.Contains("[switch] approved: approved by Yuki Tanaka", log.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_an_edited_plan_When_applied_Then_it_refuses_with_64_until_the_change_is_accepted()
    {
        using var h = new CliHarness(Plan, SaturdayNoon);
        await h.RunAsync("apply", h.PlanPath);
        await File.WriteAllTextAsync(h.PlanPath, Plan.Replace("units: 2 } }\n  - { id: switch", "units: 4 } }\n  - { id: switch", StringComparison.Ordinal));

        var refused = await h.RunAsync("apply", h.PlanPath);
        var shown = await h.RunAsync("plan", h.PlanPath);
        var accepted = await h.RunAsync("apply", h.PlanPath, "--accept-plan-change");

        Assert.Equal(64, refused.ExitCode);
        Assert.Contains("~ backup changed", refused.Output, StringComparison.Ordinal);
        Assert.Contains("runs again: backup", shown.Output, StringComparison.Ordinal);
        Assert.Equal(3, accepted.ExitCode); // on to the approval gate
        Assert.Equal(4, h.Destination.Writes.Count(w => w.Key.StartsWith("backup/", StringComparison.Ordinal)));
        Assert.All(h.Destination.Writes.Values, count => Assert.Equal(1, count));
    }

    [Fact]
    public async Task Given_a_done_step_When_reset_Then_status_shows_it_pending_and_the_journal_says_who()
    {
        using var h = new CliHarness(Plan, SaturdayNoon);
        await h.RunAsync("apply", h.PlanPath);

        var reset = await h.RunAsync("reset", h.PlanPath, "backup");
        var status = await h.RunAsync("status", h.PlanPath, "--json");
        var log = await h.RunAsync("log", h.PlanPath, "--json");

        Assert.Equal(0, reset.ExitCode);
        Assert.Equal("pending", (string?)JsonNode.Parse(status.Output)!["steps"]![0]!["status"]);
        Assert.Contains(JsonNode.Parse(log.Output)!.AsArray(), e => (string?)e!["event"] == "reset" && (string?)e["step"] == "backup");
    }

    [Fact]
    public async Task Given_a_step_without_a_gate_When_approved_Then_it_is_a_usage_error()
    {
        using var h = new CliHarness(Plan, SaturdayNoon);

        var (code, output) = await h.RunAsync("approve", h.PlanPath, "verify");

        Assert.Equal(64, code);
        Assert.Contains("needs no approval", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_lock_held_by_a_running_process_When_apply_and_unlock_run_Then_both_refuse_with_75_and_force_removes_it()
    {
        using var h = new CliHarness(Plan, SaturdayNoon);
        var held = Runbook.Adapters.State.StateLock.Acquire(h.StatePath, "apply", h.Time, out _);

        var apply = await h.RunAsync("apply", h.PlanPath);
        var unlock = await h.RunAsync("unlock", h.PlanPath);
        var forced = await h.RunAsync("unlock", h.PlanPath, "--force");
        held.Dispose();

        Assert.Equal(75, apply.ExitCode);
        Assert.Contains($"locked by pid {Environment.ProcessId}", apply.Output, StringComparison.Ordinal);
        Assert.Equal(75, unlock.ExitCode);
        Assert.Equal(0, forced.ExitCode);
        Assert.False(File.Exists(h.StatePath + ".lock"));
    }

    [Fact]
    public async Task Given_a_lock_file_left_by_a_dead_process_When_unlock_runs_Then_it_clears_the_name_and_status_shows_no_lock()
    {
        using var h = new CliHarness(Plan, SaturdayNoon);
        await h.RunAsync("apply", h.PlanPath);
        var dead = new Runbook.Adapters.State.LockHolder(int.MaxValue, Environment.MachineName, h.Time.GetUtcNow(), "apply", DateTime.UnixEpoch);
        await File.WriteAllTextAsync(h.StatePath + ".lock", System.Text.Json.JsonSerializer.Serialize(dead));

        var unlock = await h.RunAsync("unlock", h.PlanPath);
        var status = await h.RunAsync("status", h.PlanPath, "--json");

        Assert.Equal(0, unlock.ExitCode);
        Assert.Contains($"removed the stale lock of pid {int.MaxValue}", unlock.Output, StringComparison.Ordinal);
        Assert.Null(JsonNode.Parse(status.Output)!["lock"]);
    }

    [Theory]
    [InlineData("plan")]
    [InlineData("apply")]
    [InlineData("approve")]
    [InlineData("status")]
    [InlineData("reset")]
    [InlineData("log")]
    [InlineData("unlock")]
    public async Task Given_an_engine_verb_When_asked_for_help_Then_it_shows_examples_and_the_state_option(string verb)
    {
        using var h = new CliHarness(Plan, SaturdayNoon);

        var (code, output) = await h.RunAsync(verb, "--help");

        Assert.Equal(0, code);
        Assert.Contains("Examples:", output, StringComparison.Ordinal);
        Assert.Contains($"runbook {verb} ", output, StringComparison.Ordinal);
        Assert.Contains("--state", output, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Snapshot(string directory) =>
        System.IO.Directory.GetFiles(directory).ToDictionary(f => Path.GetFileName(f), f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))));
}
