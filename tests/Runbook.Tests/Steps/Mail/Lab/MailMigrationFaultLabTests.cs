using System.Net;
using System.Net.Sockets;
using Runbook.Adapters.Mail;
using Runbook.Tests.Adapters.Mail;
using Runbook.Tests.Lab;
using Runbook.Tests.Support;

namespace Runbook.Tests.Steps.Mail.Lab;

/// <summary>Refusals, dropped connections and failed logins, end to end through `runbook apply`.</summary>
[Collection("lab")]
[Trait("Category", "Lab")]
public sealed class MailMigrationFaultLabTests(LabFixture fixture)
{
    private const string Migrate = "  - { id: migrate, uses: mail.migrate, with: { batch_size: 4 } }";

    private static byte[] Big(string subject, int bytes) => [.. MailLabMessages.Crlf(subject, $"{subject}@old.test"), .. Enumerable.Repeat((byte)'z', bytes), .. "\r\n"u8];

    private static async Task<int> CountAsync(MailLab lab, MailLogin login) =>
        (await MailboxSnapshot.ReadAsync("127.0.0.1", lab.Port("new", "imap"), login.User, login.Password, CancellationToken.None)).Values.Sum(v => v.Count);

    [Fact]
    public async Task Given_a_destination_size_limit_and_a_refused_keyword_When_migrated_Then_both_are_reported_and_the_rest_copied()
    {
        var lab = new MailLab(fixture.Lab);
        var login = lab.NewLogin("small");
        var seeded = await LabCorpus.SeedAsync(lab, login, perFolder: 2);
        // The old lab server allows keywords up to 200 characters, the new one Dovecot's default 50.
        var longKeyword = "Customer-Archive-" + new string('k', 60);
        await MailLabMessages.SeedAsync(lab.Old("imap"), login, "INBOX",
        [
            MailLabMessages.Item(Big("huge", 2 * 1024 * 1024)),
            MailLabMessages.Item(MailLabMessages.Crlf("tagged", "tagged@old.test"), flags: ["Seen"], keywords: [longKeyword, "Project-X"]),
        ]);
        using var plan = new LabPlan(lab, [login.User], Migrate);

        var (code, output) = await RunbookProcess.RunAsync(plan.Folder, "apply", plan.PlanPath);

        // A refused message is not success: done with exceptions (4) until a pass copies it or a person accepts it.
        Assert.True(code == 4, output);
        Assert.Matches(@"INBOX UID \d+ \(2 MB\) refused by the new server: .*LIMIT", output);
        Assert.Matches($"copied without [^\\n]*{longKeyword}[^\\n]*: INBOX UID", output);
        Assert.Equal(seeded + 1, await CountAsync(lab, login));

        // status names the refused message; a person accepts it with a reason, and the run is then a success.
        var (_, status) = await RunbookProcess.RunAsync(plan.Folder, "status", plan.PlanPath);
        var id = System.Text.RegularExpressions.Regex.Match(status, @"\n  ([0-9a-f]{10}) refused +\S+ INBOX UID \d+: \[LIMIT\]").Groups[1].Value;
        Assert.True(id.Length == 10, status);
        Assert.Equal(64, (await RunbookProcess.RunAsync(plan.Folder, "accept", plan.PlanPath, "migrate", "--message", id)).ExitCode);
        var (accepted, acceptOutput) = await RunbookProcess.RunAsync(plan.Folder, "accept", plan.PlanPath, "migrate", "--message", id, "--reason", "too big for the new plan; the customer keeps it locally", "--by", "kenji");
        var (again, againOutput) = await RunbookProcess.RunAsync(plan.Folder, "apply", plan.PlanPath);
        var (_, after) = await RunbookProcess.RunAsync(plan.Folder, "status", plan.PlanPath);

        Assert.True(accepted == 0, acceptOutput);
        Assert.True(again == 0, againOutput);
        Assert.Contains("0 open, 1 accepted", after, StringComparison.Ordinal);
        Assert.Contains("accepted by kenji", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_the_connection_dropped_mid_append_When_migrated_Then_the_run_recovers_and_copies_each_message_once()
    {
        var lab = new MailLab(fixture.Lab);
        var login = lab.NewLogin("drop");
        var seeded = await LabCorpus.SeedAsync(lab, login, perFolder: 2);
        await MailLabMessages.SeedAsync(lab.Old("imap"), login, "INBOX", [MailLabMessages.Item(Big("large", 3 * 1024 * 1024))]);
        await using var proxy = new FaultProxy(lab.Port("new", "imap"));
        using var plan = new LabPlan(lab, [login.User], Migrate, newImapPort: proxy.Port);

        proxy.CutClientAfter(1024 * 1024);
        var run = RunbookProcess.RunAsync(plan.Folder, "apply", plan.PlanPath);
        while (proxy.Cuts == 0 && !run.IsCompleted)
        {
            await Task.Delay(20);
        }

        proxy.Heal();
        var (code, output) = await run;

        Assert.True(code == 0, output);
        Assert.True(proxy.Cuts >= 1);
        Assert.Equal(seeded + 1, await CountAsync(lab, login));
        await MailMigrationLabTests.AssertMigratedAsync(lab, login);
    }

    [Theory]
    [InlineData("mail.preflight", "AUTHENTICATE")]
    [InlineData("mail.migrate", "AUTHENTICATE")]
    [InlineData("mail.migrate", "LIST \"\" \"*\"")]
    [InlineData("mail.migrate", "APPEND")]
    public async Task Given_the_new_servers_connection_cut_at_a_command_When_a_mail_step_runs_Then_the_same_run_reconnects_and_finishes(string kind, string command)
    {
        var lab = new MailLab(fixture.Lab);
        var login = lab.NewLogin("cut");
        await LabCorpus.SeedAsync(lab, login, perFolder: 1);
        await using var proxy = new FaultProxy(lab.Port("new", "imap"));
        using var plan = new LabPlan(lab, [login.User], $"  - {{ id: step, uses: {kind} }}", newImapPort: proxy.Port);

        proxy.CutWhenClientSends(command, times: 1);
        var (code, output) = await RunbookProcess.RunAsync(plan.Folder, "apply", plan.PlanPath);

        Assert.Equal(1, proxy.Cuts);
        Assert.True(code == 0, output);
        Assert.DoesNotContain("will reconnect and retry", output, StringComparison.Ordinal);
        if (kind == "mail.migrate")
        {
            await MailMigrationLabTests.AssertMigratedAsync(lab, login);
        }
    }

    [Fact]
    public async Task Given_a_wrong_password_When_applied_Then_exit_77_with_a_clear_message_and_nothing_written()
    {
        var lab = new MailLab(fixture.Lab);
        var login = lab.NewLogin("pw");
        await LabCorpus.SeedAsync(lab, login, perFolder: 1);
        using var plan = new LabPlan(lab, [login.User], Migrate);
        await File.WriteAllTextAsync(Path.Combine(plan.Folder, "password.txt"), "not-the-password\n");

        var (code, output) = await RunbookProcess.RunAsync(plan.Folder, "apply", plan.PlanPath);

        Assert.True(code == 77, output);
        Assert.Contains($"login refused for account {login.User}", output, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", output, StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync(lab, login));
    }

    [Fact]
    public async Task Given_an_unreachable_old_server_When_applied_Then_exit_69_before_anything_is_written()
    {
        var lab = new MailLab(fixture.Lab);
        var login = lab.NewLogin("down");
        using var plan = new LabPlan(lab, [login.User], Migrate, oldImap: $"{{ host: 127.0.0.1, port: {ClosedPort()}, security: none }}");

        var (code, output) = await RunbookProcess.RunAsync(plan.Folder, "apply", plan.PlanPath);

        Assert.True(code == 69, output);
        Assert.Contains("connection refused", output, StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync(lab, login));
    }

    [Fact]
    public async Task Given_an_untrusted_certificate_When_applied_Then_exit_69_before_anything_is_written()
    {
        var lab = new MailLab(fixture.Lab);
        var login = lab.NewLogin("cert");
        // Implicit TLS on the lab's IMAPS port, verification on, the lab CA not trusted.
        using var plan = new LabPlan(lab, [login.User], Migrate, oldImap: $"{{ host: 127.0.0.1, port: {lab.Port("old", "imaps")}, security: tls }}");

        var (code, output) = await RunbookProcess.RunAsync(plan.Folder, "apply", plan.PlanPath);

        Assert.True(code == 69, output);
        Assert.Contains("certificate", output, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, await CountAsync(lab, login));
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
