using Runbook.Engine;
using Runbook.Plan.Model;
using Runbook.Tests.Support;

namespace Runbook.Tests.Engine;

/// <summary>The engine's run events (the plan's notifications): each wait, approval, failure and finished apply, once.</summary>
public sealed class PlanRunnerEventTests
{
    [Fact]
    public async Task Given_an_approval_gate_When_applied_twice_Then_the_approval_is_published_once_and_nothing_else()
    {
        using var harness = new EngineHarness();
        var events = new RecordingEvents();
        var runner = Runner(harness, events);
        var plan = harness.NewPlan().Step("copy").Step("gate", change: s => s with { Approval = true }).Build() with
        {
            Notifications = [new NotificationDefinition { Id = "ops", To = ["ops@acme.test"], On = ["waiting", "approval", "done", "failed"] }],
        };

        await runner.ApplyAsync(plan, new ApplyOptions { StatePath = harness.StatePath }, CancellationToken.None);
        await runner.ApplyAsync(plan, new ApplyOptions { StatePath = harness.StatePath }, CancellationToken.None);

        Assert.Equal(["Approval gate"], events.Published);
    }

    [Fact]
    public async Task Given_a_publisher_that_throws_When_a_step_finishes_Then_the_apply_still_completes_and_says_so()
    {
        using var harness = new EngineHarness();
        var runner = Runner(harness, new RecordingEvents(fail: true));
        var plan = harness.NewPlan().Step("copy").Build() with
        {
            Notifications = [new NotificationDefinition { Id = "ops", To = ["ops@acme.test"], On = ["done"] }],
        };

        var result = await runner.ApplyAsync(plan, new ApplyOptions { StatePath = harness.StatePath }, CancellationToken.None);

        Assert.IsType<ApplyResult.Completed>(result);
        Assert.Contains("notice: notification not sent: InvalidOperationException: smtp is down", harness.Observer.Lines);
    }

    private static PlanRunner Runner(EngineHarness harness, IRunEvents events) => new(new EngineServices
    {
        Kinds = new StepKindRegistry([harness.Kind]),
        Time = harness.Time,
        Sleeper = harness.Sleeper,
        State = new Runbook.Adapters.State.SqliteStateBackend(),
        Secrets = plan => new Runbook.Adapters.Secrets.PlanSecretResolver(plan),
        Events = events,
    }, harness.Observer);

    private sealed class RecordingEvents(bool fail = false) : IRunEvents
    {
        public List<string> Published { get; } = [];

        public Task<IReadOnlyList<string>> PublishAsync(RunEvent runEvent, CancellationToken cancellationToken)
        {
            if (fail) throw new InvalidOperationException("smtp is down");
            Published.Add($"{runEvent.Kind} {runEvent.Step?.Id}".TrimEnd());
            return Task.FromResult<IReadOnlyList<string>>([]);
        }
    }
}
