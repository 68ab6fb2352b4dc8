using Runbook.Engine;
using Runbook.Errors;
using Runbook.Steps.MailPreflight;
using Runbook.Tests.Steps.Mail.Fakes;

namespace Runbook.Tests.Steps.Mail;

public sealed class MailPreflightStepTests
{
    private const string Alice = "alice@example.test";
    private const string Bob = "bob@example.test";
    private readonly FakeConnector _accounts = new();
    private readonly StepContextBuilder _context = new();

    public MailPreflightStepTests()
    {
        foreach (var email in (string[])[Alice, Bob])
        {
            var (old, _) = _accounts.Add(email);
            old.Folder("INBOX").Add("Subject: a\r\n\r\n" + new string('x', 500), "a@x");
            old.Folder("INBOX.下書き").Add("Subject: b\r\n\r\nb", "b@x");
        }
    }

    private MailPreflightStep Step => new(new FakeMailConnector(_accounts));

    [Fact]
    public async Task Given_healthy_accounts_When_preflight_applies_Then_it_is_done_with_the_source_size()
    {
        var done = Assert.IsType<StepOutcome.Done>(await Step.ApplyAsync(_context.Build("mail.preflight", [], [Alice, Bob]), CancellationToken.None));

        Assert.Equal(4, done.Outputs["source_messages"]!.GetValue<long>());
        Assert.Contains(_context.Lines, l => l.Contains("INBOX.下書き → Drafts (specialuse)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Given_a_colliding_folder_and_a_message_over_appendlimit_When_preflight_applies_Then_it_fails_with_a_per_account_table()
    {
        _accounts.Accounts[Bob].Old.Folder("Drafts-Old");
        _accounts.Accounts[Bob].Old.Folder("INBOX.Drafts-Old");
        _accounts.Behaviour = new FakeDestinationBehaviour { AppendLimit = 100 };

        var failed = Assert.IsType<StepOutcome.Failed>(await Step.ApplyAsync(_context.Build("mail.preflight", [], [Alice, Bob]), CancellationToken.None));

        Assert.False(failed.Retryable);
        Assert.Contains("preflight failed for 2 of 2 accounts", failed.Message, StringComparison.Ordinal);
        Assert.Contains("would all be copied into 'Drafts-Old'", failed.Message, StringComparison.Ordinal);
        Assert.Contains("INBOX UID 1", failed.Message, StringComparison.Ordinal);
        Assert.Contains("over the new server's APPENDLIMIT", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_new_quota_smaller_than_the_old_mailbox_When_preflight_applies_Then_it_fails_saying_it_does_not_fit()
    {
        _accounts.Behaviour = new FakeDestinationBehaviour { QuotaBytes = 100 };

        var failed = Assert.IsType<StepOutcome.Failed>(await Step.ApplyAsync(_context.Build("mail.preflight", [], [Alice]), CancellationToken.None));

        Assert.Contains("quota on the new server 100 B", failed.Message, StringComparison.Ordinal);
        Assert.Contains("it does not fit", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_wrong_password_When_preflight_applies_Then_it_throws_exit_77_naming_the_account()
    {
        _accounts.WrongPassword.Add(Bob);

        var error = await Assert.ThrowsAsync<AuthenticationFailedException>(
            () => Step.ApplyAsync(_context.Build("mail.preflight", [], [Alice, Bob]), CancellationToken.None));

        Assert.Contains(Bob, error.Message, StringComparison.Ordinal);
        Assert.Contains("1 of 2 accounts", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_dry_run_When_previewed_Then_the_same_check_reports_without_failing()
    {
        _accounts.WrongPassword.Add(Bob);

        var preview = await Step.PreviewAsync(_context.Build("mail.preflight", [], [Alice, Bob], dryRun: true), CancellationToken.None);

        Assert.Equal("check 2 accounts: 1 would FAIL", preview.Summary);
        Assert.Contains(preview.Details, d => d.Contains("login refused for account bob@example.test", StringComparison.Ordinal));
    }
}
