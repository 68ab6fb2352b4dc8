using System.Text.Json.Nodes;
using Runbook.Engine;
using Runbook.Errors;
using Runbook.Steps.Notify;
using Runbook.Tests.Steps.Mail;
using Runbook.Tests.Support;

namespace Runbook.Tests.Steps.Notify;

/// <summary>The notify step's retry backoff waits on the engine's sleeper, so a fake clock ends it without real sleeping.</summary>
public sealed class NotifyBackoffTests
{
    [Fact]
    public async Task Given_a_fake_clock_and_smtp_down_When_the_notify_step_retries_Then_it_backs_off_on_the_engines_sleeper()
    {
        var clock = NotifyTestPlans.Clock();
        var sleeper = new FakeSleeper(clock);
        var submitter = new RecordingSubmitter(new ServerUnreachableException("connection refused"));
        var plan = NotifyTestPlans.Plan(["alice@acme.test"]);
        var context = NotifyTestPlans.Context(plan, new JsonObject { ["message"] = "done", ["to"] = new JsonArray("ops@acme.test"), ["from"] = "alice@acme.test" }, new FakeStepState(), clock, sleeper: sleeper);
        // Only a guard against a hang (the bug: Task.Delay on a fake clock nobody advances); nothing is timed.
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var outcome = await new NotifyStep(submitter, new NotifyRetry()).ApplyAsync(context, guard.Token);

        Assert.IsType<StepOutcome.Waiting>(outcome);
        Assert.Equal(3, submitter.Attempts);
        Assert.Equal([NotifyTestPlans.Now.AddSeconds(5), NotifyTestPlans.Now.AddSeconds(15)], sleeper.Sleeps);
    }
}
