using Runbook.Tests.Adapters.Mail;
using Runbook.Tests.Lab;
using static Runbook.Tests.Adapters.Mail.MailLabMessages;

namespace Runbook.Tests.Steps.Mail.Lab;

/// <summary>The real <c>mail.preflight</c> process with Cyrus IMAP 3.6 as the new server, with and without a quota limit.</summary>
[Collection("lab")]
[Trait("Category", "Lab")]
public sealed class CyrusPreflightLabTests(LabFixture fixture)
{
    private const string Preflight = "  - { id: preflight, uses: mail.preflight }";

    [Fact]
    public async Task Given_Cyrus_without_a_quota_limit_and_then_with_one_When_preflight_runs_Then_it_passes_both_times_and_a_too_small_limit_fails()
    {
        var lab = new MailLab(fixture.Lab);
        var cyrus = new CyrusLab(fixture.Lab);
        var token = LabClients.Timeout(120);
        var old = lab.NewLogin("cy");
        await SeedAsync(lab.Old("imap"), old, "INBOX", [Item(Crlf("one")), Item(Crlf("two"))]);
        await SeedAsync(lab.Old("imap"), old, "Sent", [Item(Crlf("sent"))]);
        var @new = await cyrus.NewLoginAsync(token);

        var (unlimited, unlimitedOutput) = await PreflightAsync(lab, old.User, @new.User);
        await fixture.Lab.SetCyrusQuotaAsync(@new.User, 10240, token);
        var (limited, limitedOutput) = await PreflightAsync(lab, old.User, @new.User);
        // STORAGE 0 is a real limit of zero (RFC 9208), not "no limit".
        await fixture.Lab.SetCyrusQuotaAsync(@new.User, 0, token);
        var (tooSmall, tooSmallOutput) = await PreflightAsync(lab, old.User, @new.User);

        Assert.True(unlimited == 0, unlimitedOutput);
        Assert.Contains("new server sets no storage limit on this mailbox", unlimitedOutput, StringComparison.Ordinal);
        Assert.Contains("new server software: Cyrus IMAPD 3.6.1", unlimitedOutput, StringComparison.Ordinal);
        Assert.Contains("namespaces: old prefix 'INBOX' separator '.', new prefix '' separator '/'", unlimitedOutput, StringComparison.Ordinal);
        // Cyrus announces "\sent" in lower case; the old Sent still lands in it.
        Assert.Contains("INBOX.Sent → Sent (specialuse)", unlimitedOutput, StringComparison.Ordinal);
        Assert.True(limited == 0, limitedOutput);
        Assert.Contains("quota on the new server 10 MB, used 0 B, old mailbox 308 B", limitedOutput, StringComparison.Ordinal);
        Assert.Equal(1, tooSmall);
        Assert.Contains("✗ quota on the new server 0 B, used 0 B, old mailbox 308 B: it does not fit", tooSmallOutput, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> PreflightAsync(MailLab lab, string user, string cyrusUser)
    {
        using var plan = new LabPlan(lab, [user], Preflight, newImapPort: lab.Environment.Cyrus.Imap.Port, newUsers: new Dictionary<string, string> { [user] = cyrusUser });
        return await RunbookProcess.RunAsync(plan.Folder, "apply", plan.PlanPath);
    }
}
