using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Runbook.Adapters.Mail.Smtp;
using Runbook.Engine;
using Runbook.Plan.Model;
using Runbook.Steps.Notify;
using Runbook.Tests.Steps.Mail;
using Runbook.Tests.Support;

namespace Runbook.Tests.Steps.Notify;

public sealed class NotifyUnreachableTests
{
    [Fact]
    public async Task Given_smtp_down_When_the_notify_step_applies_Then_it_is_tried_again_and_waits_instead_of_failing()
    {
        var submitter = new CountingSubmitter(new SmtpNotificationSender());
        var plan = NotifyTestPlans.Plan(["alice@acme.test"], ClosedPort());
        var state = new FakeStepState();
        var context = NotifyTestPlans.Context(plan, new JsonObject { ["message"] = "done", ["to"] = new JsonArray("ops@acme.test") }, state, TimeProvider.System);

        var outcome = await new NotifyStep(submitter, new NotifyRetry(3, TimeSpan.FromMilliseconds(10))).ApplyAsync(context, CancellationToken.None);

        var wait = Assert.IsType<StepOutcome.Waiting>(outcome);
        Assert.Equal(3, submitter.Attempts);
        Assert.Contains("1 notification(s) not sent", wait.Reason, StringComparison.Ordinal);
        Assert.Contains("attempt 3 of 3", wait.Reason, StringComparison.Ordinal);
        Assert.Empty(state.Checkpoints);
    }

    [Fact]
    public async Task Given_smtp_down_When_an_apply_finishes_its_steps_Then_it_completes_and_reports_the_unsent_notification()
    {
        using var harness = new EngineHarness();
        var submitter = new CountingSubmitter(new SmtpNotificationSender());
        var events = new NotificationEvents(new NotificationDelivery(submitter, TimeProvider.System, new NotifyRetry(2, TimeSpan.FromMilliseconds(10))), _ => new NotifyTestPlans.FixedSecret());
        var runner = new PlanRunner(new EngineServices
        {
            Kinds = new StepKindRegistry([harness.Kind]),
            Time = harness.Time,
            Sleeper = harness.Sleeper,
            State = new Runbook.Adapters.State.SqliteStateBackend(),
            Secrets = _ => new NotifyTestPlans.FixedSecret(),
            Events = events,
        }, harness.Observer);
        var built = harness.NewPlan().Step("migrate").Build();
        var plan = built with
        {
            Servers = NotifyTestPlans.Plan([], ClosedPort()).Servers,
            Accounts = NotifyTestPlans.Plan(["alice@acme.test"]).Accounts,
            Notifications = [new NotificationDefinition { Id = "ops", To = ["ops@acme.test"], From = "alice@acme.test", On = ["done", "failed"], Language = "ja" }],
        };

        var result = await runner.ApplyAsync(plan, new ApplyOptions { StatePath = harness.StatePath }, CancellationToken.None);

        Assert.IsType<ApplyResult.Completed>(result);
        Assert.Equal(2, submitter.Attempts);
        Assert.Contains(harness.Observer.Lines, l => l.StartsWith("notice: notification not sent: notification ops:", StringComparison.Ordinal));
        await using var store = await harness.OpenStateAsync();
        Assert.Equal(StepStatus.Done, (await store.GetStepsAsync(CancellationToken.None))["migrate"].Status);
    }

    /// <summary>A loopback port nothing listens on: bound, then released.</summary>
    private static Endpoint ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Endpoint { Host = "127.0.0.1", Port = port, Security = TransportSecurity.None };
    }

    private sealed class CountingSubmitter(IMailSubmitter inner) : IMailSubmitter
    {
        public int Attempts { get; private set; }

        public Task SubmitAsync(Runbook.Adapters.Mail.MailEndpoint endpoint, Runbook.Adapters.Mail.MailLogin login, MimeKit.MimeMessage message, CancellationToken cancellationToken)
        {
            Attempts++;
            return inner.SubmitAsync(endpoint, login, message, cancellationToken);
        }
    }
}
