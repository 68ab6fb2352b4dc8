using System.Globalization;
using System.Text.Json.Nodes;
using Runbook.Tests.Adapters.Mail;
using Runbook.Tests.Lab;
using Runbook.Tests.Steps.Backup.Lab;
using Runbook.Tests.Steps.Dns.Lab;
using Runbook.Tests.Steps.Mail.Lab;
using Runbook.Tests.Support;

namespace Runbook.Tests.Steps.Report;

/// <summary>
/// The report's verification, backup and DNS sections from states made by the real steps against the lab's servers
/// (the real `runbook` process), read back as the JSON model and opened as HTML in headless chromium.
/// </summary>
[Collection("lab")]
[Trait("Category", "Lab")]
public sealed class ReportLabTests(LabFixture fixture)
{
    [Fact]
    public async Task Given_a_migration_two_verified_backups_and_verify_When_reported_Then_every_rule_and_backup_has_its_evidence_per_account()
    {
        var lab = new MailLab(fixture.Lab);
        var login = lab.NewLogin("rep");
        var seeded = await LabCorpus.SeedAsync(lab, login, perFolder: 2);
        using var plan = BackupLab.Plan(lab, login.User, """
              - { id: migrate, uses: mail.migrate }
              - { id: backup, uses: mail.backup }
              - { id: verify, uses: verify, with: { send_receive: false, mx: false } }
            report: { formats: [html, markdown, json], language: ja }
            """, BackupLab.Target("disk1", "maildir") + "\n" + BackupLab.Target("disk2", "mbox"));

        var (code, output) = await RunbookProcess.RunAsync(plan.Folder, "apply", plan.PlanPath);
        Assert.True(code == 0, output);
        // A file, not stdout: the process's warnings (stderr) come back mixed into its output.
        var (reportCode, reportOutput) = await RunbookProcess.RunAsync(plan.Folder, "report", plan.PlanPath, "--format", "json");
        Assert.True(reportCode == 0, reportOutput);
        var model = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(plan.Folder, "plan.report.json")))!;

        var verify = model["verification"]!.AsArray().Single()!;
        Assert.True((bool)verify["passed"]!);
        var rules = verify["rules"]!.AsArray().ToDictionary(r => (string)r!["rule"]!, r => r!);
        Assert.Equal(["counts", "every_message", "backups"], rules.Keys);
        var every = rules["every_message"]["checks"]!.AsArray().Single()!;
        Assert.Equal(login.User, (string)every["account"]!);
        Assert.Equal(seeded.ToString("N0", CultureInfo.InvariantCulture), (string)every["expected"]!);
        Assert.Equal((string)every["expected"]!, (string)every["observed"]!);
        Assert.True((bool)every["passed"]!);
        var counts = rules["counts"]["checks"]!.AsArray();
        Assert.True(counts.Any(c => (string)c!["what"]! == "INBOX.Sent + INBOX.送信済みアイテム → Sent" && (string)c["expected"]! == "4" && (string)c["observed"]! == "4"), counts.ToJsonString());
        Assert.Equal(seeded, counts.Sum(c => int.Parse((string)c!["expected"]!, CultureInfo.InvariantCulture)));

        var backups = model["backups"]!.AsArray().Single()!["accounts"]!.AsArray();
        Assert.Equal(["disk1 maildir", "disk2 mbox"], backups.Select(b => $"{b!["target"]} {b["format"]}"));
        Assert.All(backups, b =>
        {
            Assert.Equal(seeded, (int)b!["messages"]!);
            Assert.True((bool)b["verified"]! && (bool)b["passed"]!, b.ToJsonString());
            Assert.Equal("ok", (string)b["result"]!);
            Assert.NotNull((string?)b["at"]);
        });

        var (_, text) = await RunbookProcess.RunAsync(plan.Folder, "report", plan.PlanPath);
        var html = Path.Combine(plan.Folder, "plan.report.html");
        Assert.True(File.Exists(html), text);
        var (dom, console) = await HeadlessChromium.DumpDomAsync(html);
        Assert.DoesNotContain("CONSOLE", console, StringComparison.Ordinal);
        Assert.Contains("検証（ルールごとの根拠）", dom, StringComparison.Ordinal);
        Assert.Contains($"<td>{login.User}</td><td>content, flags, keywords, INTERNALDATE</td><td class=\"num\">{seeded}</td><td class=\"num\">{seeded}</td><td class=\"done\">合格</td>", dom, StringComparison.Ordinal);
        Assert.Contains($"<td>{login.User}</td><td>disk2</td><td>mbox</td><td class=\"num\">{seeded}</td>", dom, StringComparison.Ordinal);
        Keep(Path.Combine(plan.Folder, "plan.report"), "lab-verify-ja");
    }

    [Fact]
    public async Task Given_TTL_lowered_MX_switched_and_propagated_on_BIND_When_reported_Then_the_MX_and_TTL_of_each_server_over_time_and_the_switch_times_are_shown()
    {
        var token = LabClients.Timeout(90);
        var zone = new LabZone(fixture.Lab.Dns);
        await zone.CreateAsync(3, token);
        using var dir = new TempDirectory();
        var dns = fixture.Lab.Dns;
        await File.WriteAllTextAsync(Path.Combine(dir.Path, "tsig.key"), dns.Tsig.Secret + "\n", token);
        var plan = Path.Combine(dir.Path, "dns.yaml");
        await File.WriteAllTextAsync(plan, TestPlans.EngineHeader + $$"""
            dns:
              zone: {{zone.Domain.TrimEnd('.')}}
              authoritative: [{ name: ns1, host: {{dns.Authoritative.Host}}, port: {{dns.Authoritative.Port}} }]
              resolvers: [{ name: isp, host: {{dns.Resolver.Host}}, port: {{dns.Resolver.Port}} }]
              update: { provider: rfc2136, key: { name: {{dns.Tsig.Name}}, algorithm: hmac-sha256, secret: { file: tsig.key } } }
              mx:
                old: [{ preference: 10, host: {{zone.OldHost.TrimEnd('.')}} }]
                new: [{ preference: 10, host: {{zone.NewHost.TrimEnd('.')}} }]
              lowered_ttl: 30
            report: { formats: [html, markdown, json] }
            steps:
              - { id: lower-ttl, uses: dns.lower_ttl }
              - { id: switch-mx, uses: dns.switch_mx }
              - { id: propagation, uses: dns.wait_propagation, with: { timeout: 5m } }
            """, token);

        // Real time: the zone's TTL is 3 s, so the waits (old TTL, the resolver's cached copy) take seconds.
        var (code, output) = await RunbookProcess.RunAsync(dir.Path, "apply", plan, "--wait");
        Assert.True(code == 0, output);
        var (reportCode, json) = await RunbookProcess.RunAsync(dir.Path, "report", plan, "--format", "json", "--out", "-");
        Assert.True(reportCode == 0, json);
        var model = JsonNode.Parse(json)!["dns"]!;

        var observations = model["observations"]!.AsArray().Select(o => o!).ToList();
        Assert.Contains(observations, o => (string)o["server"]! == "ns1" && (string)o["role"]! == "authoritative" && (string)o["is"]! == "old" && (int)o["ttl"]! == 3);
        // The zone's TTL (3 s) is already below lowered_ttl (30 s): dns.lower_ttl keeps it, and the new MX gets it too.
        Assert.Contains(observations, o => (string)o["server"]! == "ns1" && (string)o["is"]! == "new" && (int)o["ttl"]! == 3);
        Assert.Contains(observations, o => (string)o["server"]! == "isp" && (string)o["role"]! == "resolver" && (string)o["is"]! == "old");
        Assert.Equal("new", (string)observations.Last(o => (string)o["server"]! == "isp")["is"]!);
        Assert.Equal(observations.Select(o => (string)o["at"]!).Order(StringComparer.Ordinal), observations.Select(o => (string)o["at"]!));
        Assert.Equal(3, (int)model["old_ttl"]!);
        Assert.True((bool)model["switched_after_safe_time"]!);
        var safe = DateTimeOffset.Parse((string)model["safe_switch_at"]!, CultureInfo.InvariantCulture);
        Assert.Equal(DateTimeOffset.Parse((string)model["lowered_at"]!, CultureInfo.InvariantCulture).AddSeconds(3), safe);
        Assert.True(DateTimeOffset.Parse((string)model["propagated_at"]!, CultureInfo.InvariantCulture) >= DateTimeOffset.Parse((string)model["switched_at"]!, CultureInfo.InvariantCulture));
        Assert.Equal(observations.Count, model["chart"]!["points"]!.AsArray().Count);
        Assert.Equal(["lowered_at", "safe_switch_at", "switched_at", "old_mx_cached_until", "propagated_at"], model["chart"]!["markers"]!.AsArray().Select(m => (string)m!["key"]!));
        Assert.DoesNotContain(dns.Tsig.Secret, json, StringComparison.Ordinal);

        var (_, rendered) = await RunbookProcess.RunAsync(dir.Path, "report", plan);
        var (html, console) = await HeadlessChromium.DumpDomAsync(Path.Combine(dir.Path, "dns.report.html"));
        Assert.DoesNotContain("CONSOLE", console, StringComparison.Ordinal);
        Assert.Contains("<circle class=\"mx-new\"", html, StringComparison.Ordinal);
        Assert.Contains("<circle class=\"mx-old\"", html, StringComparison.Ordinal);
        Assert.Contains("Safe switch time", html, StringComparison.Ordinal);
        Assert.Contains($"<td>isp</td><td>resolver</td><td>MX 10 {zone.NewHost}</td>", html, StringComparison.Ordinal);
        Assert.DoesNotContain(dns.Tsig.Secret, html + rendered, StringComparison.Ordinal);
        Keep(Path.Combine(dir.Path, "dns.report"), "lab-dns-en");
        await HeadlessChromium.ScreenshotAsync(Path.Combine(dir.Path, "dns.report.html"), RepoPaths.Of(".artifacts", "report", "report-lab-dns-en.png"));
    }

    /// <summary>The rendered reports stay as test artifacts in .artifacts/report/ (the temp folder goes).</summary>
    private static void Keep(string reportBase, string name)
    {
        var folder = RepoPaths.Of(".artifacts", "report");
        Directory.CreateDirectory(folder);
        foreach (var ext in new[] { ".html", ".md", ".json" })
        {
            File.Copy(reportBase + ext, Path.Combine(folder, $"report-{name}{ext}"), overwrite: true);
        }
    }
}
