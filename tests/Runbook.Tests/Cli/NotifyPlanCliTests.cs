using System.Net;
using System.Net.Sockets;
using Runbook.Tests.Support;

namespace Runbook.Tests.Cli;

/// <summary><c>runbook plan</c> with notify steps: the mail is rendered to .eml files, nothing is sent and no state is created.</summary>
public sealed class NotifyPlanCliTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 10, 0, 0, TimeSpan.FromHours(9));

    [Fact]
    public async Task Given_notify_steps_When_planned_Then_each_message_is_a_file_and_nothing_else_is_written()
    {
        using var smtp = new TcpListener(IPAddress.Loopback, 0);
        smtp.Start();
        var port = ((IPEndPoint)smtp.LocalEndpoint).Port;
        using var h = new CliHarness(Plan(port), Now);

        var (code, output) = await h.RunAsync("plan", h.PlanPath);

        Assert.True(code == 0, output);
        Assert.False(smtp.Pending(), "plan connected to SMTP");
        var files = System.IO.Directory.GetFiles(h.Directory, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(h.Directory, f)).Order(StringComparer.Ordinal);
        Assert.Equal(["acme.yaml", "notifications/announce/all@acme.test.eml", "notifications/events/ops-done.eml", "notifications/events/ops-failed.eml",
            "notifications/settings/alice@acme.test.eml", "notifications/settings/bob@acme.test.eml"], files);
        Assert.Contains("would send 2 message(s)", output, StringComparison.Ordinal);
        Assert.Contains("notifications: one sample per rule and event, rendered to", output, StringComparison.Ordinal);
        var failed = await MimeKit.MimeMessage.LoadAsync(Path.Combine(h.Directory, "notifications/events/ops-failed.eml"));
        Assert.Equal(("alice@acme.test", "ops@acme.test"), (failed.From.Mailboxes.Single().Address, failed.To.Mailboxes.Single().Address));
        Assert.Contains("announce", failed.Subject, StringComparison.Ordinal);
        Assert.Contains("runbook plan による見本", failed.TextBody, StringComparison.Ordinal);
        Assert.Equal(0, h.Destination.TotalWrites);
        var bob = await MimeKit.MimeMessage.LoadAsync(Path.Combine(h.Directory, "notifications/settings/bob@acme.test.eml"));
        Assert.Contains("ユーザー名：bob", bob.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_smtp_down_When_an_apply_finishes_Then_it_exits_0_and_reports_the_unsent_notification()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        using var h = new CliHarness(ApplyPlan(port), Now);
        await File.WriteAllTextAsync(Path.Combine(h.Directory, "new-pw"), "pw");

        var (code, output) = await h.RunAsync("apply", h.PlanPath);

        Assert.True(code == 0, output);
        Assert.Equal(2, h.Destination.TotalWrites);
        Assert.Contains("notification not sent: notification ops:", output, StringComparison.Ordinal);
        Assert.Contains("(attempt 3 of 3)", output, StringComparison.Ordinal);
        Assert.Single(System.IO.Directory.GetFiles(Path.Combine(h.Directory, "notifications", "outbox"), "*.ops.done.*.eml"));
    }

    private static string Plan(int port) => $$"""
        runbook: 1
        name: acme
        timezone: Asia/Tokyo
        servers:
          old: { imap: { host: 127.0.0.1, port: 1143, security: none } }
          new:
            imap: { host: 127.0.0.1, port: 2143, security: none }
            smtp: { host: 127.0.0.1, port: {{port}}, security: none }
        accounts:
          - { email: alice@acme.test, old: { user: alice, password: { env: NOTIFY_OLD } }, new: { user: alice, password: { env: NOTIFY_NEW } } }
          - { email: bob@acme.test, old: { user: bob, password: { env: NOTIFY_OLD } }, new: { user: bob, password: { env: NOTIFY_NEW } } }
        windows:
          night: { days: [fri], from: "22:00", to: "05:00" }
        notifications:
          - { id: ops, to: [ops@acme.test], from: alice@acme.test, on: [failed, done], language: ja }
        steps:
          - { id: announce, uses: notify, with: { template: announcement, language: ja, to: [all@acme.test] } }
          - { id: copy, uses: test.effect, window: night, with: { units: 2 } }
          - { id: settings, uses: notify, with: { template: client_settings, language: ja, accounts: all } }
        """;

    /// <summary>One step that copies, and a rule that mails ops when the apply is done, through an SMTP port that is closed.</summary>
    private static string ApplyPlan(int port) => $$"""
        runbook: 1
        name: acme
        timezone: Asia/Tokyo
        servers:
          old: { imap: { host: 127.0.0.1, port: 1143, security: none } }
          new:
            imap: { host: 127.0.0.1, port: 2143, security: none }
            smtp: { host: 127.0.0.1, port: {{port}}, security: none }
        accounts:
          - { email: alice@acme.test, old: { user: alice, password: { env: NOTIFY_OLD } }, new: { user: alice, password: { file: new-pw } } }
        notifications:
          - { id: ops, to: [ops@acme.test], from: alice@acme.test, on: [failed, done], language: ja }
        steps:
          - { id: copy, uses: test.effect, with: { units: 2 } }
        """;
}
