using Runbook.Adapters.Mail;
using Runbook.Engine;
using Runbook.Steps.MailPreflight;
using Runbook.Tests.Steps.Mail;
using Runbook.Tests.Steps.Mail.Fakes;

namespace Runbook.Tests.Steps.MailPreflight;

/// <summary>Optional replies a server sends in an unusual shape, or one that cannot be read, never fail a preflight on their own.</summary>
public sealed class PreflightUnusualReplyTests
{
    private const string Alice = "alice@example.test";
    private readonly FakeConnector _accounts = new();
    private readonly StepContextBuilder _context = new();

    public PreflightUnusualReplyTests()
    {
        var (old, _) = _accounts.Add(Alice);
        old.Folder("INBOX").Add("Subject: a\r\n\r\nbody", "a@x");
        old.Folder("INBOX").Add("Subject: b\r\n\r\nbody", "b@x");
    }

    [Fact]
    public async Task Given_a_quota_root_without_resources_When_preflight_applies_Then_done_saying_no_storage_limit()
    {
        _accounts.Behaviour = new FakeDestinationBehaviour { Quota = new MailQuota(null, 0, null, null) };

        var done = await ApplyAsync();

        Assert.IsType<StepOutcome.Done>(done);
        Assert.Contains(_context.Lines, l => l.EndsWith("· new server sets no storage limit on this mailbox", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Given_resources_Runbook_does_not_check_When_preflight_applies_Then_done_and_each_is_shown()
    {
        _accounts.Behaviour = new FakeDestinationBehaviour
        {
            Quota = new MailQuota(1 << 30, 0, 1000, 0) { Others = [new QuotaResource("X-NUM-FOLDERS", 5, 100), new QuotaResource("X-ANNOTATION-STORAGE", 0, 64)] },
        };

        Assert.IsType<StepOutcome.Done>(await ApplyAsync());
        Assert.Contains(_context.Lines, l => l.EndsWith("· new server also limits X-NUM-FOLDERS: 5 of 100 used (not checked by Runbook)", StringComparison.Ordinal));
        Assert.Contains(_context.Lines, l => l.EndsWith("· new server also limits X-ANNOTATION-STORAGE: 0 of 64 used (not checked by Runbook)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Given_a_quota_reply_that_cannot_be_read_When_preflight_applies_Then_done_with_a_warning_naming_the_reply()
    {
        _accounts.Behaviour = new FakeDestinationBehaviour { Quota = MailQuota.Unknown("the server's quota reply could not be read: * QUOTA INBOX (STORAGE lots)") };

        Assert.IsType<StepOutcome.Done>(await ApplyAsync());
        Assert.Contains("warning: alice@example.test: the server's quota reply could not be read: * QUOTA INBOX (STORAGE lots); the new mailbox's quota is unknown, check it by hand", _context.Lines);
        Assert.Contains(_context.Lines, l => l.Contains("ok, 1 warning(s)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Given_an_ID_reply_that_cannot_be_read_When_preflight_applies_Then_done_with_a_warning()
    {
        _accounts.Behaviour = new FakeDestinationBehaviour { Identity = new ServerIdentity(null, "the server's ID reply could not be read: * ID (garbage") };

        Assert.IsType<StepOutcome.Done>(await ApplyAsync());
        Assert.Contains("warning: alice@example.test: the server's ID reply could not be read: * ID (garbage", _context.Lines);
    }

    [Fact]
    public async Task Given_a_server_that_says_what_it_is_When_preflight_applies_Then_its_software_is_shown()
    {
        _accounts.Behaviour = new FakeDestinationBehaviour { Identity = new ServerIdentity("Cyrus IMAPD 3.6.1-Debian-3.6.1-4+deb12u5") };

        Assert.IsType<StepOutcome.Done>(await ApplyAsync());
        Assert.Contains(_context.Lines, l => l.EndsWith("· new server software: Cyrus IMAPD 3.6.1-Debian-3.6.1-4+deb12u5", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Given_a_message_quota_the_old_mailbox_does_not_fit_When_preflight_applies_Then_it_fails_saying_so()
    {
        _accounts.Behaviour = new FakeDestinationBehaviour { Quota = new MailQuota(null, 0, 3, 2) };

        var failed = Assert.IsType<StepOutcome.Failed>(await ApplyAsync());

        Assert.Contains("message quota on the new server 3, used 2, old mailbox 2 messages: they do not fit", failed.Message, StringComparison.Ordinal);
    }

    private Task<StepOutcome> ApplyAsync() =>
        new MailPreflightStep(new FakeMailConnector(_accounts)).ApplyAsync(_context.Build("mail.preflight", [], [Alice]), CancellationToken.None);
}
