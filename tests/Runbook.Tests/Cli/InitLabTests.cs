using Runbook.Cli;
using Runbook.Lab;
using Runbook.Tests.Adapters.Mail;
using Runbook.Tests.Lab;
using Runbook.Tests.Steps.Dns.Lab;
using Runbook.Tests.Steps.Mail.Lab;
using Runbook.Tests.Support;

namespace Runbook.Tests.Cli;

/// <summary>
/// <c>runbook init</c>'s starter plan, filled in for the lab as a user would (servers, account, DNS, and the window and
/// margin agreed with the customer), runs from validate to decommission against the lab's real servers.
/// </summary>
[Collection("lab")]
[Trait("Category", "Lab")]
public sealed class InitLabTests(LabFixture fixture)
{
    [Fact]
    public async Task Given_the_starter_plan_filled_in_for_the_lab_When_applied_and_approved_to_the_end_Then_every_step_is_done_and_the_mail_is_on_the_new_server()
    {
        var token = LabClients.Timeout(180);
        var lab = new MailLab(fixture.Lab);
        var login = lab.NewLogin("init");
        await LabCorpus.SeedAsync(lab, login, perFolder: 1);
        var zone = new LabZone(fixture.Lab.Dns);
        await zone.CreateAsync(2, token, hostTtl: 2);
        using var directory = new TempDirectory();
        var plan = Path.Combine(directory.Path, "acme.yaml");
        await File.WriteAllTextAsync(Path.Combine(directory.Path, "lab.password"), lab.Password, token);
        // The production app in-process with the real clock: the same code as the binary, without a process start per
        // command (a dozen of them cost a minute on a loaded machine).
        async Task<string> Runbook(int expected, params string[] args)
        {
            using var output = new StringWriter();
            var code = await RunbookApp.RunAsync(args, TimeProvider.System, new CliConsole(output, output, colors: false), token);
            Assert.True(code == expected, $"runbook {string.Join(' ', args)}: exit {code}, expected {expected}\n{output}");
            return output.ToString();
        }

        await Runbook(0, "init", plan);
        await File.WriteAllTextAsync(plan, FillIn(await File.ReadAllTextAsync(plan, token), fixture.Lab, zone, login.User), token);
        await Runbook(0, "validate", plan);
        // Preflight, backup, the test group moved and verified, the TTL (already 2 s) waited out.
        Assert.Contains("waiting at step lower-ttl", await Runbook(3, "apply", plan), StringComparison.Ordinal);
        await Runbook(0, "apply", plan, "--wait", "--step", "lower-ttl");
        Assert.Contains("waiting at step switch-mx: waiting for approval", await Runbook(3, "apply", plan), StringComparison.Ordinal);
        await Runbook(0, "approve", plan, "switch-mx", "--by", "test consultant");
        // The manual provider: Runbook names the change, a person makes it in the control panel and confirms it.
        Assert.Contains($"MX 10 {zone.NewHost} TTL 2; then run `runbook approve", await Runbook(3, "apply", plan), StringComparison.Ordinal);
        await zone.SetMxAsync(zone.NewHost, 2, token);
        await Runbook(0, "approve", plan, "switch-mx", "--by", "test consultant");
        Assert.Contains("waiting at step delta-sync", await Runbook(3, "apply", plan), StringComparison.Ordinal);
        await Runbook(0, "apply", plan, "--wait", "--step", "delta-sync");
        var verified = await Runbook(3, "apply", plan);
        await Runbook(0, "approve", plan, "decommission", "--by", "customer");
        var last = await Runbook(0, "apply", plan);

        Assert.Contains("[verify] done: verified 1 account(s): counts, every_message, send_receive, mx, backups passed", verified, StringComparison.Ordinal);
        Assert.Contains("waiting at step decommission: waiting for approval", verified, StringComparison.Ordinal);
        Assert.Contains("[decommission] done: the old server may be switched off", last, StringComparison.Ordinal);
        Assert.NotEmpty(Directory.GetFiles(directory.Path, "*.html"));
        var old = await MailboxSnapshot.ReadAsync(fixture.Lab.Old.Imap.Host, fixture.Lab.Old.Imap.Port, login.User, lab.Password, token);
        var moved = await MailboxSnapshot.ReadAsync(fixture.Lab.New.Imap.Host, fixture.Lab.New.Imap.Port, login.User, lab.Password, token);
        Assert.Equal(Hashes(old), Hashes(moved));
    }

    private static List<string> Hashes(Dictionary<string, List<SnapshotMessage>> mailbox) => [.. mailbox.Values.SelectMany(f => f).Select(m => m.Sha256).Order(StringComparer.Ordinal)];

    /// <summary>Replaces the starter plan's example values, each of which must be there (a changed starter plan fails here first).</summary>
    private static string FillIn(string starter, LabEnvironment lab, LabZone zone, string user)
    {
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        // The real clock: the runbook processes read it too.
        var now = TimeZoneInfo.ConvertTime(TimeProvider.System.GetUtcNow(), berlin);
        var domain = zone.Domain.TrimEnd('.');
        (string Example, string Lab)[] values =
        [
            ("imap: { host: 127.0.0.1, port: 1143, security: none }", $"imap: {{ host: 127.0.0.1, port: {lab.Old.Imap.Port}, security: none }}"),
            ("imap: { host: 127.0.0.1, port: 2143, security: none }", $"imap: {{ host: 127.0.0.1, port: {lab.New.Imap.Port}, security: none }}"),
            ("smtp: { host: 127.0.0.1, port: 2587, security: none }",
                $"smtp: {{ host: 127.0.0.1, port: {lab.New.Submission.Port}, security: starttls, tls: {{ ca_file: {lab.Ca.File} }} }}"),
            ("email: alice@acme.test", $"email: {user}"),
            ("password: { env: ALICE_OLD_PASSWORD }", "password: { file: lab.password }"),
            ("password: { env: ALICE_NEW_PASSWORD }", "password: { file: lab.password }"),
            ("user: alice,", $"user: {user},"),
            ("user: alice@acme.test,", $"user: {user},"),
            ("zone: acme.test", $"zone: {domain}"),
            ("{ name: ns1, host: ns1.old-host.test }", $"{{ name: ns1, host: 127.0.0.1, port: {lab.Dns.Authoritative.Port} }}"),
            ("{ name: local, host: 127.0.0.1, port: 5353 }", $"{{ name: local, host: 127.0.0.1, port: {lab.Dns.Resolver.Port} }}"),
            ("host: mx.old-host.test", $"host: {zone.OldHost.TrimEnd('.')}"),
            ("host: mx.new-host.test", $"host: {zone.NewHost.TrimEnd('.')}"),
            // Agreed with the customer: a window open now, and a margin the lab's 2 s TTL makes sense of.
            ("cutover: { days: [fri, sat], from: \"22:00\", to: \"06:00\" }", $"cutover: {{ from: \"{now.AddHours(-1):HH:mm}\", to: \"{now.AddHours(2):HH:mm}\" }}"),
            ("margin: 1h", "margin: 2s"),
        ];
        foreach (var (example, value) in values)
        {
            Assert.True(starter.Contains(example, StringComparison.Ordinal), $"the starter plan no longer has '{example}'");
            starter = starter.Replace(example, value, StringComparison.Ordinal);
        }

        return starter;
    }
}
