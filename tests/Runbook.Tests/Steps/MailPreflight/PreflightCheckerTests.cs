using Runbook.Engine;
using Runbook.Steps.MailPreflight;
using Runbook.Tests.Steps.Mail;
using Runbook.Tests.Steps.Mail.Fakes;

namespace Runbook.Tests.Steps.MailPreflight;

/// <summary>A dropped connection during an account's check is retried (reconnect both sides, backoff) in the same run.</summary>
public sealed class PreflightCheckerTests
{
    private const string Alice = "alice@example.test";
    private const string Bob = "bob@example.test";
    private readonly FakeConnector _accounts = new();
    private readonly StepContextBuilder _context = new();

    public PreflightCheckerTests()
    {
        foreach (var email in (string[])[Alice, Bob])
        {
            var (old, _) = _accounts.Add(email);
            old.Folder("INBOX").Add("Subject: a\r\n\r\nbody", "a@x");
        }
    }

    [Fact]
    public async Task Given_connections_lost_while_listing_folders_When_preflight_applies_Then_it_reconnects_and_is_done_in_the_same_run()
    {
        _accounts.Behaviour = new FakeDestinationBehaviour { DropFolderListings = 3 };

        var outcome = await RunAsync(new MailPreflightStep(new FakeMailConnector(_accounts)).ApplyAsync(_context.Build("mail.preflight", [], [Alice, Bob]), CancellationToken.None));

        var done = Assert.IsType<StepOutcome.Done>(outcome);
        Assert.Equal(2, done.Outputs["source_messages"]!.GetValue<long>());
        Assert.Equal(0, _accounts.Behaviour.DropFolderListings);
        Assert.Equal(3, _context.Lines.Count(l => l.Contains("reconnected and checked again", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Given_a_connection_lost_at_every_attempt_When_the_account_is_checked_Then_its_check_reports_the_failure_as_a_problem_after_four_attempts()
    {
        _accounts.Behaviour = new FakeDestinationBehaviour { DropFolderListings = 100 };
        var checker = new PreflightChecker(new FakeMailConnector(_accounts), _context.Build("mail.preflight", [], [Alice]));

        var check = await RunAsync(checker.CheckAsync(FakeConnector.Account(Alice), CancellationToken.None));

        Assert.Equal(96, _accounts.Behaviour.DropFolderListings);
        var problem = Assert.Single(check.Problems);
        Assert.StartsWith("still failing after 4 attempts: new (127.0.0.1:1): connection lost while listing folders", problem, StringComparison.Ordinal);
        Assert.Equal(3, check.Notes.Count(n => n.Contains("reconnected and checked again", StringComparison.Ordinal)));
    }

    /// <summary>Backoff waits on the fake clock: moves it on until the work is through (no real time is asserted).</summary>
    private async Task<T> RunAsync<T>(Task<T> work)
    {
        while (!work.IsCompleted)
        {
            _context.Time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(1);
        }

        return await work;
    }
}
