using MimeKit;
using Runbook.Adapters.Mail;
using Runbook.Adapters.Mail.Smtp;
using Runbook.Engine;
using Runbook.Errors;
using Runbook.Plan.Model;
using Runbook.Steps.Notify;
using Runbook.Steps.Report;
using Runbook.Tests.Support;

namespace Runbook.Tests.Steps.Notify;

/// <summary>An event mail that could not be sent is kept beside the state, reported, and sent at the next apply.</summary>
public sealed class NotifyOutboxTests
{
    [Fact]
    public async Task Given_smtp_down_at_the_done_event_When_applied_again_with_smtp_up_Then_the_kept_mail_is_sent_once_and_the_report_showed_it_meanwhile()
    {
        using var harness = new EngineHarness(NotifyTestPlans.Now);
        var submitter = new SwitchableSubmitter { Failure = new ServerUnreachableException("connection refused") };
        var runner = new PlanRunner(new EngineServices
        {
            Kinds = new StepKindRegistry([harness.Kind]),
            Time = harness.Time,
            Sleeper = harness.Sleeper,
            State = new Runbook.Adapters.State.SqliteStateBackend(),
            Secrets = _ => new NotifyTestPlans.FixedSecret(),
            Events = new NotificationEvents(new NotificationDelivery(submitter, harness.Time, new NotifyRetry(2), harness.Sleeper), _ => new NotifyTestPlans.FixedSecret()),
        }, harness.Observer);
        var plan = harness.NewPlan().Step("migrate").Build() with
        {
            Servers = NotifyTestPlans.Plan([]).Servers,
            Accounts = NotifyTestPlans.Plan(["alice@acme.test"]).Accounts,
            Notifications = [new NotificationDefinition { Id = "ops", To = ["ops@acme.test"], From = "alice@acme.test", On = ["done"] }],
        };
        var options = new ApplyOptions { StatePath = harness.StatePath };

        var first = await runner.ApplyAsync(plan, options, CancellationToken.None);
        var kept = Assert.Single(NotificationOutbox.List(harness.StatePath));
        var keptId = (await MimeMessage.LoadAsync(kept.File)).MessageId;
        var report = await ReportAsync(harness, plan);
        submitter.Failure = null;
        var second = await runner.ApplyAsync(plan, options, CancellationToken.None);
        var third = await runner.ApplyAsync(plan, options, CancellationToken.None);

        Assert.IsType<ApplyResult.Completed>(first);
        Assert.Equal(("ops", "done", "ops@acme.test"), (kept.Rule, kept.Event, Assert.Single(kept.To)));
        Assert.Contains(harness.Observer.Lines, l => l.Contains("kept in", StringComparison.Ordinal) && l.Contains("sent at the next apply", StringComparison.Ordinal));
        Assert.Equal("ops", (string)report["notifications_unsent"]![0]!["rule"]!);
        Assert.Contains(report["problems"]!.AsArray(), p => ((string)p!["message"]!).StartsWith("notification ops (done) not sent yet", StringComparison.Ordinal));
        Assert.IsType<ApplyResult.Completed>(second);
        Assert.IsType<ApplyResult.Completed>(third);
        var sent = Assert.Single(submitter.Sent);
        Assert.Equal(keptId, sent.MessageId);
        Assert.Empty(NotificationOutbox.List(harness.StatePath));
        Assert.Contains(harness.Observer.Lines, l => l.Contains("notification sent from the outbox: ops (done", StringComparison.Ordinal));
        // Two tries at the event, one at the next apply; the third apply finds nothing kept and sends nothing.
        Assert.Equal(3, submitter.Attempts);
    }

    [Fact]
    public async Task Given_two_kept_mails_and_smtp_still_down_When_retried_Then_the_first_is_tried_and_the_rest_wait_for_the_next_apply()
    {
        using var dir = new TempDirectory();
        var state = Path.Combine(dir.Path, "plan.runbook.db");
        var submitter = new SwitchableSubmitter { Failure = new ServerUnreachableException("connection refused") };
        var plan = NotifyTestPlans.Plan(["alice@acme.test"]) with
        {
            Notifications = [new NotificationDefinition { Id = "ops", To = ["ops@acme.test"], From = "alice@acme.test", On = ["failed"] }],
        };
        foreach (var minute in new[] { 1, 2 })
        {
            var message = new MimeMessage { Subject = $"failed {minute}" };
            message.From.Add(MailboxAddress.Parse("alice@acme.test"));
            message.To.Add(MailboxAddress.Parse("ops@acme.test"));
            await NotificationOutbox.KeepAsync(state, "ops", "failed", NotifyTestPlans.Now.AddMinutes(minute), message, CancellationToken.None);
        }

        var events = new NotificationEvents(new NotificationDelivery(submitter, TimeProvider.System, new NotifyRetry(1)), _ => new NotifyTestPlans.FixedSecret());
        var lines = await events.RetryKeptAsync(plan, state, CancellationToken.None);

        Assert.Equal(1, submitter.Attempts);
        Assert.Equal(2, lines.Count);
        Assert.StartsWith("notification still not sent, kept in ", lines[0], StringComparison.Ordinal);
        Assert.Equal("1 more kept notification(s) not tried now; the next apply tries them again", lines[1]);
        Assert.Equal(["failed 1", "failed 2"], NotificationOutbox.List(state).Select(k => k.Subject));
    }

    private static async Task<System.Text.Json.Nodes.JsonObject> ReportAsync(EngineHarness harness, RunbookPlan plan)
    {
        await using var store = await harness.OpenStateAsync();
        return await new ReportModel(plan, store, harness.StatePath, harness.Time).BuildAsync(CancellationToken.None);
    }

    /// <summary>Fails while <see cref="Failure"/> is set, like a server that is down and then back.</summary>
    private sealed class SwitchableSubmitter : IMailSubmitter
    {
        public Exception? Failure { get; set; }
        public List<MimeMessage> Sent { get; } = [];
        public int Attempts { get; private set; }

        public Task SubmitAsync(MailEndpoint endpoint, MailLogin login, MimeMessage message, CancellationToken cancellationToken)
        {
            Attempts++;
            if (Failure is not null) throw Failure;
            Sent.Add(message);
            return Task.CompletedTask;
        }
    }
}
