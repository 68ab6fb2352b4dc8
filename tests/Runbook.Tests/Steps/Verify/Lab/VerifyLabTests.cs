using System.Text;
using System.Text.Json.Nodes;
using Runbook.Adapters.Mail;
using Runbook.Tests.Adapters.Mail;
using Runbook.Tests.Lab;
using Runbook.Tests.Steps.Dns.Lab;
using Runbook.Tests.Steps.Mail.Lab;

namespace Runbook.Tests.Steps.Verify.Lab;

/// <summary>verify on the real servers: a complete migration passes every rule with evidence, then each fault fails it with its own.</summary>
[Collection("lab")]
[Trait("Category", "Lab")]
public sealed class VerifyLabTests(LabFixture fixture)
{
    private const string Steps = """
          - { id: migrate, uses: mail.migrate }
          - { id: verify, uses: verify }
        """;

    [Fact]
    public async Task Given_a_complete_migration_When_verified_Then_every_rule_passes_and_each_fault_fails_it_with_its_evidence()
    {
        var lab = new MailLab(fixture.Lab);
        var login = lab.NewLogin("verify");
        var ids = await SeedAsync(lab, login);
        var zone = new LabZone(fixture.Lab.Dns);
        await zone.CreateAsync(mxTtl: 60, CancellationToken.None);
        await zone.SetMxAsync(zone.NewHost, 60, CancellationToken.None);
        using var plan = new VerifyLabPlan(lab);
        plan.Write(login.User, Steps, Important(login.User, ids), zone.Domain);

        var (code, output) = await RunAsync(plan, "apply", "PLAN");
        var rules = (await OutputsAsync(plan, "verify"))!["rules"]!.AsObject();

        Assert.True(code == 0, output);
        Assert.Equal(["counts", "every_message", "important", "send_receive", "mx"], rules.Select(r => r.Key));
        Assert.All(rules, r => Assert.True(r.Value!["passed"]!.GetValue<bool>(), r.Value.ToJsonString()));
        Has(output, "every_message: passed: ");
        Assert.Equal(0, rules["every_message"]!["accounts"]![0]!["missing"]!["count"]!.GetValue<int>());
        Assert.Contains(rules["counts"]!["accounts"]![0]!["folders"]!.AsArray(), f => f!["destination"]!.GetValue<string>() == "Sent" && f["sources"]!.AsArray().Count == 2);
        Assert.Equal("INBOX", rules["important"]!["messages"]![1]!["found_in"]![0]!["folder"]!.GetValue<string>());
        Assert.Equal("署名済み契約書 Signed contract", rules["important"]!["messages"]![1]!["found_in"]![0]!["subject"]!.GetValue<string>());
        Assert.True(rules["send_receive"]!["accounts"]![0]!["delay_ms"]!.GetValue<long>() >= 0);
        Assert.True(rules["send_receive"]!["accounts"]![0]!["deleted"]!.GetValue<bool>());
        Assert.Contains(zone.NewHost, rules["mx"]!["resolvers"]![0]!["mx"]!.GetValue<string>(), StringComparison.Ordinal);

        await using (var tamper = await NewServerTamper.LoginAsync(lab.Port("new", "imap"), login.User, login.Password))
        {
            await tamper.DeleteAsync("INBOX", ids.Delete);
            var deleted = await VerifyAgainAsync(plan);
            Has(deleted, "every_message: " + login.User + ": deleted after copy: INBOX UID");
            Has(deleted, "delete me");
            Assert.DoesNotContain("altered", deleted, StringComparison.Ordinal);

            await tamper.AlterOneByteAsync("INBOX", ids.Alter);
            var altered = await VerifyAgainAsync(plan);
            Has(altered, "every_message: " + login.User + ": altered: INBOX UID");
            Has(altered, "alter me (new UID");

            await tamper.FlagAsync("INBOX", ids.Flag);
            var flagged = await VerifyAgainAsync(plan);
            Has(flagged, "attributes differ: INBOX UID");
            Has(flagged, "flag me (old [Seen | ");
            Has(flagged, "new [Flagged Seen | ");

            await tamper.DeleteAsync("INBOX", ids.Contract);
            var important = await VerifyAgainAsync(plan);
            Has(important, "important: " + login.User + ": subject \"Signed contract\", from 法務部");
            Has(important, "not found on the new server (the old server has it: INBOX UID");
        }

        plan.Write(login.User, Steps.Replace("uses: verify }", "uses: verify, with: { counts: false, every_message: false, important: false, mx: false } }", StringComparison.Ordinal),
            Important(login.User, ids), zone.Domain, newPasswordFile: "wrong.txt");
        var (refused, refusedOutput) = await RunAsync(plan, "apply", "PLAN", "--step", "verify", "--accept-plan-change");
        Assert.True(refused == 1, refusedOutput);
        Has(refusedOutput, $"send_receive: {login.User}: ");
        Has(refusedOutput, "new smtp (127.0.0.1:" + lab.Environment.New.Submission.Port);
        Assert.DoesNotContain(lab.Password, refusedOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", refusedOutput, StringComparison.Ordinal);

        var stale = new LabZone(fixture.Lab.Dns);
        await stale.CreateAsync(mxTtl: 300, CancellationToken.None);
        Assert.Contains(stale.OldHost, (await stale.MxAsync(viaResolver: true, CancellationToken.None)).Data, StringComparison.Ordinal);
        await stale.SetMxAsync(stale.NewHost, 300, CancellationToken.None);
        plan.Write(login.User, Steps.Replace("uses: verify }", "uses: verify, with: { counts: false, every_message: false, important: false, send_receive: false } }", StringComparison.Ordinal),
            Important(login.User, ids), stale.Domain);
        var (old, oldOutput) = await RunAsync(plan, "apply", "PLAN", "--step", "verify", "--accept-plan-change");
        Assert.True(old == 1, oldOutput);
        Has(oldOutput, $"mx: isp (127.0.0.1:{fixture.Lab.Dns.Resolver.Port}) answers MX 10 {stale.OldHost} TTL");
        Has(oldOutput, "(still the old MX)");
    }

    internal sealed record SeededIds(string Keep, string Contract, string Delete, string Alter, string Flag);

    /// <summary>The lab corpus (merged Sent folders, Japanese folders, odd messages) plus five named messages in INBOX.</summary>
    internal static async Task<SeededIds> SeedAsync(MailLab lab, MailLogin login)
    {
        await LabCorpus.SeedAsync(lab, login, perFolder: 2);
        var tag = Guid.NewGuid().ToString("N")[..8];
        var ids = new SeededIds($"keep-{tag}@old.test", $"contract-{tag}@old.test", $"delete-{tag}@old.test", $"alter-{tag}@old.test", $"flag-{tag}@old.test");
        var contractSubject = $"=?UTF-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes("署名済み契約書"))}?= Signed contract";
        var legal = $"=?UTF-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes("法務部"))}?= <legal@old.test>";
        await MailLabMessages.SeedAsync(lab.Old("imap"), login, "INBOX",
        [
            MailLabMessages.Item(Mail(ids.Keep, "Quarterly numbers", "a@old.test"), ["Seen"]),
            MailLabMessages.Item(Mail(ids.Contract, contractSubject, legal), ["Seen"]),
            MailLabMessages.Item(Mail(ids.Delete, "delete me", "a@old.test"), ["Seen"]),
            MailLabMessages.Item(Mail(ids.Alter, "alter me", "a@old.test"), ["Seen"]),
            MailLabMessages.Item(Mail(ids.Flag, "flag me", "a@old.test"), ["Seen"]),
        ]);
        return ids;
    }

    internal static string Important(string user, SeededIds ids) => $$"""
        verification:
          important:
            - { account: {{user}}, message_id: "<{{ids.Keep}}>" }
            - { account: {{user}}, folder: INBOX, subject: Signed contract, from: 法務部, after: 2024-01-01, before: 2024-01-03 }
        """;

    internal static async Task<(int Code, string Output)> RunAsync(VerifyLabPlan plan, params string[] args) =>
        await RunbookProcess.RunAsync(plan.Folder, [.. args.Select(a => a == "PLAN" ? plan.PlanPath : a)]);

    internal static async Task<JsonObject?> OutputsAsync(VerifyLabPlan plan, string step)
    {
        var (_, output) = await RunAsync(plan, "status", "PLAN", "--json");
        // stderr follows stdout here and carries the plan's validation warnings (no backup step): the JSON ends at the last brace.
        var steps = JsonNode.Parse(output[..(output.LastIndexOf('}') + 1)])!["steps"]!.AsArray();
        return steps.First(s => s!["id"]!.GetValue<string>() == step)!["outputs"]?.AsObject();
    }

    /// <summary>Runs verify again (reset, then only that step) and returns its output; it must fail.</summary>
    private static async Task<string> VerifyAgainAsync(VerifyLabPlan plan)
    {
        Assert.Equal(0, (await RunAsync(plan, "reset", "PLAN", "verify")).Code);
        var (code, output) = await RunAsync(plan, "apply", "PLAN", "--step", "verify");
        Assert.True(code == 1, output);
        return output;
    }

    /// <summary>Contains, with the whole output in the failure message: the evidence is what the test is about.</summary>
    internal static void Has(string output, string expected) =>
        Assert.True(output.Contains(expected, StringComparison.Ordinal), $"expected «{expected}» in:\n{output}");

    private static byte[] Mail(string id, string subject, string from) => Encoding.ASCII.GetBytes(
        $"Message-ID: <{id}>\r\nFrom: {from}\r\nTo: b@old.test\r\nSubject: {subject}\r\nDate: Tue, 02 Jan 2024 03:04:05 +0900\r\n\r\nbody of {id}\r\n");
}
