using System.Text.Json.Nodes;
using Runbook.Engine;
using Runbook.Steps.Notify;
using Runbook.Tests.Support;

namespace Runbook.Tests.Steps.Notify;

/// <summary>The notify kind under the real engine and state: done once per account, an added account mailed alone.</summary>
public sealed class NotifyEngineTests
{
    [Fact]
    public async Task Given_client_settings_sent_When_an_account_is_added_and_applied_again_Then_only_the_new_account_is_mailed()
    {
        var submitter = new RecordingSubmitter();
        using var harness = new EngineHarness(NotifyTestPlans.Now);
        var runner = new PlanRunner(new EngineServices
        {
            Kinds = new StepKindRegistry([new NotifyStep(submitter, new NotifyRetry(1))]),
            Time = harness.Time,
            Sleeper = harness.Sleeper,
            State = new Runbook.Adapters.State.SqliteStateBackend(),
            Secrets = _ => new NotifyTestPlans.FixedSecret(),
        }, harness.Observer);
        var options = new ApplyOptions { StatePath = harness.StatePath };
        var servers = NotifyTestPlans.Plan([]).Servers;
        var with = new JsonObject { ["template"] = "client_settings", ["language"] = "ja", ["from"] = "alice@acme.test" };
        var first = harness.NewPlan().AccountList(("alice@acme.test", "alice")).Step("tell", "notify", change: s => s with { With = with }).Build() with { Servers = servers };
        var second = harness.NewPlan().AccountList(("alice@acme.test", "alice"), ("bob@acme.test", "bob")).Step("tell", "notify", change: s => s with { With = (JsonObject)with.DeepClone() }).Build() with { Servers = servers };

        var one = await runner.ApplyAsync(first, options, CancellationToken.None);
        var two = await runner.ApplyAsync(second, options, CancellationToken.None);
        var three = await runner.ApplyAsync(second, options, CancellationToken.None);

        Assert.All([one, two, three], r => Assert.IsType<ApplyResult.Completed>(r));
        Assert.Equal(["alice@acme.test", "bob@acme.test"], submitter.Sent.Select(s => s.Message.To.Mailboxes.Single().Address));
    }
}
