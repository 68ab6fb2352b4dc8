using System.Text.Json.Nodes;
using MailKit;
using MailKit.Search;
using MimeKit;
using Runbook.Adapters.Mail.Smtp;
using Runbook.Engine;
using Runbook.Plan.Model;
using Runbook.Steps.Notify;
using Runbook.Tests.Adapters.Mail;
using Runbook.Tests.Lab;
using Runbook.Tests.Steps.Mail;
using Runbook.Tests.Support;

namespace Runbook.Tests.Steps.Notify;

[Collection("lab")]
[Trait("Category", "Lab")]
public sealed class NotifyLabTests(LabFixture fixture)
{
    private readonly MailLab _lab = new(fixture.Lab);

    [Fact]
    public async Task Given_the_lab_postfix_When_client_settings_are_sent_in_japanese_Then_the_new_inbox_has_them_decoded_as_rendered()
    {
        var token = LabClients.Timeout();
        using var directory = new TempDirectory();
        var statePath = Path.Combine(directory.Path, "plan.runbook.db");
        var user = _lab.NewLogin("notify").User;
        var submission = _lab.New("submission", TransportSecurity.StartTls).Endpoint;
        var plan = NotifyTestPlans.Plan([user], submission, statePath);
        var with = new JsonObject { ["template"] = "client_settings", ["language"] = "ja" };
        var step = new NotifyStep(new SmtpNotificationSender(), new NotifyRetry(1));
        var secrets = new NotifyTestPlans.FixedSecret(_lab.Password);
        await step.PreviewAsync(NotifyTestPlans.Context(plan, with, new FakeStepState(), NotifyTestPlans.Clock(), dryRun: true, statePath) with { Secrets = secrets }, token);
        var rendered = await MimeMessage.LoadAsync(Directory.GetFiles(Path.Combine(directory.Path, "notifications", "tell")).Single(), token);
        var state = new FakeStepState();
        // The mailbox is created by this first login, before delivery: Dovecot refuses an EXAMINE that races the
        // LMTP delivery creating the same INBOX ("Mailbox already exists").
        using var imap = await LabClients.ImapAsync(fixture.Lab.New.Imap, user, _lab.Password, token);
        await imap.Inbox!.OpenAsync(FolderAccess.ReadOnly, token);

        var outcome = await step.ApplyAsync(NotifyTestPlans.Context(plan, with, state, NotifyTestPlans.Clock()) with { Secrets = secrets }, token);

        Assert.IsType<StepOutcome.Done>(outcome);
        // Delivery is asynchronous (Postfix queue, then LMTP): poll until it lands; the token bounds the wait.
        while (imap.Inbox.Count == 0)
        {
            await Task.Delay(100, token);
            await imap.NoOpAsync(token);
        }

        var arrived = await imap.Inbox.GetMessageAsync((await imap.Inbox.SearchAsync(SearchQuery.All, token)).Single(), token);
        Assert.Equal(rendered.Subject, arrived.Subject);
        Assert.StartsWith("【新しいメール設定のご案内】", arrived.Subject, StringComparison.Ordinal);
        var from = arrived.From.Mailboxes.Single();
        Assert.Equal((user, "メール移行担当（acme-move）"), (from.Address, from.Name));
        Assert.Equal(rendered.TextBody, arrived.TextBody);
        Assert.Contains($"ユーザー名：{user}", arrived.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain(_lab.Password, arrived.TextBody, StringComparison.Ordinal);
        Assert.Single(state.Checkpoints);
    }
}
