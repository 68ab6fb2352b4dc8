using Runbook.Tests.Adapters.Mail;
using Runbook.Tests.Lab;
using Runbook.Tests.Steps.Mail.Lab;

namespace Runbook.Tests.Steps.Verify.Lab;

/// <summary>decommission on the real servers: refused before a passing verify, without approval, and after a later delta pass; then it records the decision and nothing changed.</summary>
[Collection("lab")]
[Trait("Category", "Lab")]
public sealed class DecommissionLabTests(LabFixture fixture)
{
    [Fact]
    public async Task Given_each_condition_missing_When_decommission_runs_Then_it_refuses_with_the_reason_and_with_all_three_it_records_the_decision_and_changes_nothing()
    {
        var lab = new MailLab(fixture.Lab);
        var login = lab.NewLogin("decom");
        await MailLabMessages.SeedAsync(lab.Old("imap"), login, "INBOX", [.. Enumerable.Range(0, 5).Select(i => MailLabMessages.Item(MailLabMessages.Crlf($"m{i}", $"m{i}-{Guid.NewGuid():N}@old.test")))]);
        using var plan = new VerifyLabPlan(lab);
        plan.Write(login.User, """
              - { id: migrate, uses: mail.migrate }
              - { id: delta, uses: mail.delta_sync, with: { interval: 1m, for: 1h } }
              - { id: verify, uses: verify, with: { mx: false, send_receive: false } }
              - { id: decommission, uses: decommission }
            """);
        Assert.Equal(3, (await VerifyLabTests.RunAsync(plan, "apply", "PLAN")).Code);
        var before = await SnapshotsAsync(lab, login);

        var (noVerify, noVerifyOutput) = await VerifyLabTests.RunAsync(plan, "apply", "PLAN", "--step", "decommission");
        Assert.True(noVerify == 1, noVerifyOutput);
        Assert.Contains("decommission refused; the old server must stay:", noVerifyOutput, StringComparison.Ordinal);
        Assert.Contains("the last verify (verify) has not passed: it is pending", noVerifyOutput, StringComparison.Ordinal);

        Assert.Equal(0, (await VerifyLabTests.RunAsync(plan, "apply", "PLAN", "--step", "verify")).Code);
        var (unapproved, unapprovedOutput) = await VerifyLabTests.RunAsync(plan, "apply", "PLAN", "--step", "decommission");
        Assert.True(unapproved == 1, unapprovedOutput);
        Assert.Contains("not approved: a person decides that the old server may go", unapprovedOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("has not passed", unapprovedOutput, StringComparison.Ordinal);

        Assert.Equal(0, (await VerifyLabTests.RunAsync(plan, "reset", "PLAN", "delta")).Code);
        Assert.Equal(3, (await VerifyLabTests.RunAsync(plan, "apply", "PLAN", "--step", "delta")).Code);
        Assert.Equal(0, (await VerifyLabTests.RunAsync(plan, "approve", "PLAN", "decommission", "--by", "Yuki Tanaka")).Code);
        var (stale, staleOutput) = await VerifyLabTests.RunAsync(plan, "apply", "PLAN", "--step", "decommission");
        Assert.True(stale == 1, staleOutput);
        Assert.Contains("step delta (mail.delta_sync) ran a pass at", staleOutput, StringComparison.Ordinal);
        Assert.Contains("after the last verify (verify) started at", staleOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("not approved", staleOutput, StringComparison.Ordinal);

        Assert.Equal(0, (await VerifyLabTests.RunAsync(plan, "reset", "PLAN", "verify")).Code);
        Assert.Equal(0, (await VerifyLabTests.RunAsync(plan, "apply", "PLAN", "--step", "verify")).Code);
        var (done, doneOutput) = await VerifyLabTests.RunAsync(plan, "apply", "PLAN", "--step", "decommission");
        var outputs = await VerifyLabTests.OutputsAsync(plan, "decommission");
        var (_, log) = await VerifyLabTests.RunAsync(plan, "log", "PLAN");

        Assert.True(done == 0, doneOutput);
        Assert.Contains($"may switch off: the old server's mail service (IMAP 127.0.0.1:{lab.Port("old", "imap")})", doneOutput, StringComparison.Ordinal);
        Assert.Contains("keep: this plan's state file and journal", doneOutput, StringComparison.Ordinal);
        Assert.Equal("Yuki Tanaka", outputs!["approved_by"]!.GetValue<string>());
        Assert.Contains("decommission decided: the old server may be switched off (approved by Yuki Tanaka", log, StringComparison.Ordinal);
        var after = await SnapshotsAsync(lab, login);
        Assert.Equal(Flatten(before.Old), Flatten(after.Old));
        Assert.Equal(Flatten(before.New), Flatten(after.New));
    }

    private static async Task<(Dictionary<string, List<SnapshotMessage>> Old, Dictionary<string, List<SnapshotMessage>> New)> SnapshotsAsync(MailLab lab, Runbook.Adapters.Mail.MailLogin login) =>
        (await MailboxSnapshot.ReadAsync("127.0.0.1", lab.Port("old", "imap"), login.User, login.Password, CancellationToken.None),
         await MailboxSnapshot.ReadAsync("127.0.0.1", lab.Port("new", "imap"), login.User, login.Password, CancellationToken.None));

    private static string Flatten(Dictionary<string, List<SnapshotMessage>> snapshot) =>
        string.Join("\n", snapshot.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}: {string.Join(", ", f.Value)}"));
}
