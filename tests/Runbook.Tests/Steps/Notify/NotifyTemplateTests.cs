using System.Text.Json.Nodes;
using Runbook.Steps.Notify;
using Runbook.Tests.Steps.Mail;

namespace Runbook.Tests.Steps.Notify;

public sealed class NotifyTemplateTests
{
    private static readonly string[] ManyAccounts = [.. Enumerable.Range(0, 1234).Select(i => $"u{i}@acme.test")];

    [Fact]
    public async Task Given_a_japanese_announcement_When_sent_Then_window_in_tokyo_time_and_grouped_count()
    {
        var (submitter, outcome) = await SendAsync(ManyAccounts, new JsonObject { ["template"] = "announcement", ["language"] = "ja", ["to"] = new JsonArray("all@acme.test") });

        var message = Assert.Single(submitter.Sent).Message;
        Assert.IsType<Runbook.Engine.StepOutcome.Done>(outcome);
        Assert.Equal("【メールサーバー移行のお知らせ】acme-move（2026年12月4日（金）22:00（Asia/Tokyo））", message.Subject);
        Assert.Contains("日時：2026年12月4日（金）22:00（Asia/Tokyo） ～ 2026年12月5日（土）05:00（Asia/Tokyo）", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("対象アカウント数：1,234", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("予想される影響：", message.TextBody, StringComparison.Ordinal);
        Assert.Equal("メール移行担当（acme-move）", message.From.Mailboxes.Single().Name);
    }

    [Fact]
    public async Task Given_an_english_announcement_with_an_interruption_When_sent_Then_it_reads_in_english()
    {
        var (submitter, _) = await SendAsync(ManyAccounts, new JsonObject
        {
            ["template"] = "announcement", ["to"] = new JsonArray("all@acme.test"), ["interruption"] = "Webmail is down for 30 minutes.",
        });

        var body = Assert.Single(submitter.Sent).Message.TextBody;
        Assert.Contains("When: Fri 4 Dec 2026, 22:00 (Asia/Tokyo) to Sat 5 Dec 2026, 05:00 (Asia/Tokyo)", body, StringComparison.Ordinal);
        Assert.Contains("Accounts moving: 1,234", body, StringComparison.Ordinal);
        Assert.Contains("Webmail is down for 30 minutes.", body, StringComparison.Ordinal);
        Assert.Contains("What users must do:", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ja", "ユーザー名：bob@acme.test", "暗号化：STARTTLS")]
    [InlineData("en", "User name: bob@acme.test", "Security:  STARTTLS")]
    public async Task Given_client_settings_When_sent_Then_each_user_gets_every_protocol_and_no_password(string language, string user, string security)
    {
        var (submitter, _) = await SendAsync(["alice@acme.test", "bob@acme.test"], new JsonObject { ["template"] = "client_settings", ["language"] = language });

        Assert.Equal(2, submitter.Sent.Count);
        var bob = submitter.Sent.Single(s => s.Message.To.Mailboxes.Single().Address == "bob@acme.test").Message;
        Assert.Contains(user, bob.TextBody, StringComparison.Ordinal);
        Assert.Contains(security, bob.TextBody, StringComparison.Ordinal);
        foreach (var protocol in new[] { "IMAP", "SMTP", "POP3" })
        {
            Assert.Contains(protocol, bob.TextBody, StringComparison.Ordinal);
        }

        Assert.Contains("993", bob.TextBody, StringComparison.Ordinal);
        Assert.Contains("587", bob.TextBody, StringComparison.Ordinal);
        Assert.Contains("995", bob.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain(NotifyTestPlans.Password, bob.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("NEW_PW", bob.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_one_user_already_told_When_client_settings_apply_Then_only_the_other_is_mailed_and_recorded()
    {
        var state = new FakeStepState();
        var submitter = new RecordingSubmitter();
        var plan = NotifyTestPlans.Plan(["alice@acme.test", "bob@acme.test"]);
        var context = NotifyTestPlans.Context(plan, new JsonObject { ["template"] = "client_settings" }, state, NotifyTestPlans.Clock()) with
        {
            SettledAccounts = new HashSet<string>(["alice@acme.test"], StringComparer.OrdinalIgnoreCase),
        };

        await new NotifyStep(submitter, new NotifyRetry(1)).ApplyAsync(context, CancellationToken.None);

        Assert.Equal(["bob@acme.test"], submitter.Sent.Select(s => s.Message.To.Mailboxes.Single().Address));
        Assert.Equal(["bob@acme.test"], state.AccountOutcomes.Where(o => o.Value is null).Select(o => o.Key));
    }

    [Fact]
    public void Given_an_event_in_japanese_When_rendered_Then_title_step_and_local_times()
    {
        var plan = NotifyTestPlans.Plan(["alice@acme.test"]);
        var step = new Runbook.Plan.Model.StepDefinition { Id = "switch-mx", Uses = "dns.switch_mx" };
        var language = NotifyLanguage.For("ja", TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo"));
        var runEvent = new Runbook.Engine.RunEvent(Runbook.Engine.RunEventKind.Waiting, plan, step, "window night is closed", NotifyTestPlans.Now)
        {
            Until = NotifyTestPlans.Now.AddHours(12),
        };

        var rendered = NotificationTemplates.Render("event", language, NotificationModel.Event(runEvent, language));

        Assert.Equal("【acme-move】待機中です：switch-mx", rendered.Subject);
        Assert.Contains("2026年12月4日（金）10:00（Asia/Tokyo）、待機中です（ステップ switch-mx）。", rendered.Body, StringComparison.Ordinal);
        Assert.Contains("2026年12月4日（金）22:00（Asia/Tokyo） 以降に再開します。", rendered.Body, StringComparison.Ordinal);
    }

    private static async Task<(RecordingSubmitter Submitter, Runbook.Engine.StepOutcome Outcome)> SendAsync(IReadOnlyList<string> emails, JsonObject with)
    {
        var submitter = new RecordingSubmitter();
        var context = NotifyTestPlans.Context(NotifyTestPlans.Plan(emails), with, new FakeStepState(), NotifyTestPlans.Clock());
        var outcome = await new NotifyStep(submitter, new NotifyRetry(1)).ApplyAsync(context, CancellationToken.None);
        return (submitter, outcome);
    }
}
