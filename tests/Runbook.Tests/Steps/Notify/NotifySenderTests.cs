using System.Text.Json.Nodes;
using Runbook.Engine;
using Runbook.Plan.Model;
using Runbook.Steps.Notify;
using Runbook.Tests.Steps.Mail;

namespace Runbook.Tests.Steps.Notify;

/// <summary>Which login submits Runbook's own mail: servers.new.smtp.login when set, else the sender's own account, never another.</summary>
public sealed class NotifySenderTests
{
    [Fact]
    public async Task Given_servers_new_smtp_login_When_a_message_is_sent_without_from_Then_it_is_from_and_logged_in_as_that_mailbox()
    {
        var submitter = new RecordingSubmitter();
        var plan = WithLogin(NotifyTestPlans.Plan([]));
        var context = NotifyTestPlans.Context(plan, new JsonObject { ["message"] = "moved", ["to"] = new JsonArray("ops@acme.test") }, new FakeStepState(), NotifyTestPlans.Clock());

        Assert.IsType<StepOutcome.Done>(await new NotifyStep(submitter, new NotifyRetry(1)).ApplyAsync(context, CancellationToken.None));

        var (login, message) = Assert.Single(submitter.Sent);
        Assert.Equal("runbook@acme.test", login.User);
        Assert.Equal("runbook@acme.test", message.From.Mailboxes.Single().Address);
    }

    [Fact]
    public async Task Given_no_smtp_login_When_sent_from_an_address_that_is_no_account_Then_nothing_is_sent_with_another_accounts_login()
    {
        var submitter = new RecordingSubmitter();
        var plan = NotifyTestPlans.Plan(["alice@acme.test"]) with
        {
            Notifications = [new NotificationDefinition { Id = "ops", To = ["ops@acme.test"], From = "runbook@acme.test", On = ["done"] }],
        };
        var events = new NotificationEvents(new NotificationDelivery(submitter, TimeProvider.System, new NotifyRetry(1)), _ => new NotifyTestPlans.FixedSecret());

        var problems = await events.PublishAsync(new RunEvent(RunEventKind.Done, plan, null, "1 step(s) ran", NotifyTestPlans.Now), CancellationToken.None);

        Assert.Equal(0, submitter.Attempts);
        Assert.Equal("notification ops: no SMTP login to send as runbook@acme.test: it is not a plan account; set servers.new.smtp.login (the mailbox Runbook sends its mail as)", Assert.Single(problems));
    }

    private static RunbookPlan WithLogin(RunbookPlan plan)
    {
        var servers = new Dictionary<string, ServerDefinition>(plan.Servers)
        {
            ["new"] = plan.Servers["new"] with { SmtpLogin = new Credential { User = "runbook@acme.test", Password = new SecretReference { Env = "RUNBOOK_SMTP" } } },
        };
        return plan with { Servers = servers };
    }
}
