using Runbook.Tests.Support;

namespace Runbook.Tests.Cli;

/// <summary>
/// Language kinds a build cannot run: the plan is valid, plan and apply refuse it before anything runs. Every kind of
/// language v1 runs today, so the harness plays an older build by leaving <c>notify</c> out of its registry.
/// </summary>
public sealed class UnsupportedStepKindTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.FromHours(9));

    // notify sends through the new server's SMTP as its login, so this plan names both (a valid plan for a build that runs it).
    private static readonly string Plan = TestPlans.EngineHeader.Replace("port: 2143, security: none } }", "port: 2143, security: none }, smtp: { host: 127.0.0.1, port: 2587, security: none, login: { user: runbook@acme.test, password: { env: RUNBOOK_SMTP } } } }", StringComparison.Ordinal) + """
        steps:
          - { id: copy, uses: test.effect, with: { units: 2 } }
          - { id: announce, uses: notify, with: { to: [ops@acme.test], message: moving } }
          - { id: final-notify, uses: notify, approval: true, with: { to: [ops@acme.test], message: done } }
        """;

    [Theory]
    [InlineData("plan")]
    [InlineData("apply")]
    public async Task Given_a_plan_with_kinds_not_implemented_When_run_Then_it_exits_64_naming_each_and_changes_nothing(string verb)
    {
        using var h = new CliHarness(Plan, Now);
        h.Without.Add("notify");

        var (code, output) = await h.RunAsync(verb, h.PlanPath);

        Assert.Equal(64, code);
        Assert.Contains("acme.yaml:10:5: step announce: 'notify' is a step kind of plan language v1, but this version of Runbook cannot run it yet", output, StringComparison.Ordinal);
        Assert.Contains("step final-notify: 'notify' is a step kind", output, StringComparison.Ordinal);
        Assert.Contains("remove those steps", output, StringComparison.Ordinal);
        Assert.DoesNotContain("unknown step kind", output, StringComparison.Ordinal);
        Assert.Equal(["acme.yaml"], System.IO.Directory.GetFiles(h.Directory).Select(Path.GetFileName));
        Assert.Equal(0, h.Destination.TotalWrites);
    }

    [Fact]
    public async Task Given_the_same_plan_with_a_test_kind_When_validated_by_that_engine_Then_it_is_valid()
    {
        using var h = new CliHarness(Plan, Now);

        var (code, output) = await h.RunAsync("validate", h.PlanPath);

        Assert.True(code == 0, output);
        Assert.Contains("acme.yaml: valid (3 steps", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_gated_step_of_a_kind_not_implemented_When_approved_Then_it_exits_64_and_creates_no_state()
    {
        using var h = new CliHarness(Plan, Now);
        h.Without.Add("notify");

        var (code, output) = await h.RunAsync("approve", h.PlanPath, "final-notify", "--by", "Yuki Tanaka");

        Assert.Equal(64, code);
        Assert.Contains("step final-notify: 'notify' is a step kind of plan language v1", output, StringComparison.Ordinal);
        Assert.Equal(["acme.yaml"], System.IO.Directory.GetFiles(h.Directory).Select(Path.GetFileName));
    }
}
