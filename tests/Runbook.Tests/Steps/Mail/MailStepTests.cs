using System.Text.Json.Nodes;
using Runbook.Engine;
using Runbook.Errors;
using Runbook.Steps.Mail;
using Runbook.Steps.MailDeltaSync;
using Runbook.Steps.MailMigrate;
using Runbook.Tests.Steps.Mail.Fakes;

namespace Runbook.Tests.Steps.Mail;

public sealed class MailStepTests : IDisposable
{
    private const string Alice = "alice@example.test";
    private const string Bob = "bob@example.test";
    private readonly string _spool = Directory.CreateTempSubdirectory("runbook-step-spool").FullName;
    private readonly FakeConnector _connector = new();
    private readonly StepContextBuilder _context = new();

    public MailStepTests()
    {
        foreach (var email in (string[])[Alice, Bob])
        {
            var (old, _) = _connector.Add(email);
            old.Folder("INBOX").Add($"Subject: hello {email}\r\n\r\nbody", $"{email}-1@x", ["Seen"]);
            old.Folder("INBOX.送信済みアイテム").Add("Subject: sent\r\n\r\nx", $"{email}-2@x");
        }
    }

    private AccountConnectorFactory Connect => (_, _) => _connector;

    [Fact]
    public async Task Given_two_accounts_When_mail_migrate_applies_twice_Then_the_second_apply_copies_nothing()
    {
        var step = new MailMigrateStep(Connect, _spool);
        var with = new JsonObject { ["concurrency"] = 2 };

        var first = Assert.IsType<StepOutcome.Done>(await step.ApplyAsync(_context.Build("mail.migrate", with, [Alice, Bob]), CancellationToken.None));
        var second = Assert.IsType<StepOutcome.Done>(await step.ApplyAsync(_context.Build("mail.migrate", with, [Alice, Bob]), CancellationToken.None));

        Assert.Equal(4, first.Outputs["copied"]!.GetValue<int>());
        Assert.Equal(0, second.Outputs["copied"]!.GetValue<int>());
        Assert.Single(_connector.Accounts[Bob].New.Folders["Sent"].Messages);
        Assert.Contains(_context.State.Journal, j => j.StartsWith("appended 2 messages", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Given_a_dry_run_When_previewed_Then_mapping_and_counts_are_shown_and_nothing_is_written()
    {
        var step = new MailMigrateStep(Connect, _spool);

        var preview = await step.PreviewAsync(_context.Build("mail.migrate", [], [Alice], dryRun: true), CancellationToken.None);

        Assert.StartsWith("copy 2 messages", preview.Summary, StringComparison.Ordinal);
        Assert.Contains(preview.Details, d => d.Contains("INBOX.送信済みアイテム → Sent (specialuse): 1 to copy", StringComparison.Ordinal));
        Assert.Equal(0, _connector.Accounts[Alice].New.Writes);
    }

    [Fact]
    public async Task Given_a_refused_message_When_mail_migrate_applies_Then_outputs_list_it_and_the_rest_is_copied()
    {
        _connector.Accounts[Alice].Old.Folder("INBOX").Add("Subject: big\r\n\r\n" + new string('x', 4000), "big@x");
        _connector.Behaviour = new FakeDestinationBehaviour { MaxMessageSize = 1000 };
        var step = new MailMigrateStep(Connect, _spool);

        var done = Assert.IsType<StepOutcome.Done>(await step.ApplyAsync(_context.Build("mail.migrate", [], [Alice]), CancellationToken.None));

        var rejection = Assert.Single(done.Outputs["rejections"]!.AsArray())!;
        Assert.Equal("INBOX", rejection["folder"]!.GetValue<string>());
        Assert.Equal("2", rejection["uid"]!.GetValue<string>());
        Assert.Equal(2, done.Outputs["copied"]!.GetValue<int>());
        Assert.Contains(_context.Lines, l => l.StartsWith("warning: alice@example.test INBOX UID 2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Given_a_wrong_password_for_one_account_When_mail_migrate_applies_Then_the_other_is_copied_and_the_step_fails_naming_it()
    {
        _connector.WrongPassword.Add(Bob);
        var step = new MailMigrateStep(Connect, _spool);
        var context = _context.Build("mail.migrate", [], [Alice, Bob]);

        var failed = Assert.IsType<StepOutcome.Failed>(await step.ApplyAsync(context, CancellationToken.None));

        Assert.Contains($"1 of 2 account(s) FAILED", failed.Message, StringComparison.Ordinal);
        Assert.Contains($"{Bob}: ", failed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain($"{Alice}: ", failed.Message, StringComparison.Ordinal);
        Assert.False(failed.Retryable);
        Assert.True(_connector.Accounts[Alice].New.Writes > 0);
        var state = (FakeStepState)context.State;
        Assert.Null(state.AccountOutcomes[Alice]);
        Assert.NotNull(state.AccountOutcomes[Bob]);
    }

    [Fact]
    public async Task Given_every_login_refused_When_mail_migrate_applies_Then_it_throws_exit_77_before_writing()
    {
        _connector.WrongPassword.Add(Alice);
        _connector.WrongPassword.Add(Bob);
        var step = new MailMigrateStep(Connect, _spool);

        var error = await Assert.ThrowsAsync<AuthenticationFailedException>(
            () => step.ApplyAsync(_context.Build("mail.migrate", [], [Alice, Bob]), CancellationToken.None));

        Assert.Equal(77, (int)error.ExitCode);
        Assert.Equal(0, _connector.Accounts[Alice].New.Writes);
    }

    [Fact]
    public async Task Given_a_delta_sync_When_applied_before_and_at_the_deadline_Then_it_waits_between_passes_and_ends_done()
    {
        var step = new MailDeltaSyncStep(Connect, _spool);
        var start = _context.Time.GetUtcNow();
        var with = new JsonObject { ["interval"] = "15m", ["for"] = "30m" };

        var first = Assert.IsType<StepOutcome.Waiting>(await step.ApplyAsync(_context.Build("mail.delta_sync", with, [Alice], firstStarted: start), CancellationToken.None));
        _connector.Accounts[Alice].Old.Folder("INBOX").Add("Subject: late\r\n\r\narrived after the switch", "late@x");
        _context.Time.Advance(TimeSpan.FromMinutes(15));
        var second = Assert.IsType<StepOutcome.Waiting>(await step.ApplyAsync(_context.Build("mail.delta_sync", with, [Alice], firstStarted: start), CancellationToken.None));
        _context.Time.Advance(TimeSpan.FromMinutes(15));
        var last = await step.ApplyAsync(_context.Build("mail.delta_sync", with, [Alice], firstStarted: start), CancellationToken.None);

        Assert.Equal(start + TimeSpan.FromMinutes(15), first.Until);
        Assert.Equal(start + TimeSpan.FromMinutes(30), second.Until);
        var done = Assert.IsType<StepOutcome.Done>(last);
        Assert.Single(_connector.Accounts[Alice].New.Folders["INBOX"].Messages, m => m.MessageId == "late@x");
        Assert.Equal(3, _connector.Accounts[Alice].New.Writes);
        // The last pass copied nothing; the outputs still say what the sync as a whole caught.
        Assert.Equal(0, done.Outputs["copied"]!.GetValue<int>());
        Assert.Equal((3, 3L), (done.Outputs["passes"]!.GetValue<int>(), done.Outputs["copied_all_passes"]!.GetValue<long>()));
        Assert.StartsWith("3 passes copied 3 messages (", done.Outputs["summary"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_spool, recursive: true);
}
