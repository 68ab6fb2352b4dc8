using Microsoft.Extensions.Time.Testing;
using Runbook.Plan.Model;
using Runbook.Steps.Mail;
using Runbook.Tests.Steps.Mail.Fakes;

namespace Runbook.Tests.Steps.Mail;

/// <summary>Builds a migration over fake servers; one instance per test.</summary>
internal sealed class CopyHarness : IDisposable
{
    private readonly string _spool = Directory.CreateTempSubdirectory("runbook-test-spool").FullName;

    public CopyHarness(bool pop3 = false)
    {
        Connector = new FakeConnector(pop3);
        Options = new MigrationOptions { SpoolDirectory = _spool, BatchSize = 2, RetryBackoff = TimeSpan.FromSeconds(5), Pop3 = pop3 };
    }

    public FakeConnector Connector { get; }
    public FakeLedger Ledger { get; } = new();
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero));
    public MigrationOptions Options { get; set; }
    public FolderMapping Rules { get; set; } = new();

    public async Task<AccountResult> RunAsync(string email = "alice@example.test", bool apply = true)
    {
        var migration = new MailMigration(Connector, Options, Ledger, Time);
        var run = migration.RunAsync([FakeConnector.Account(email)], Rules, apply, 1, null, CancellationToken.None);
        // Backoff waits on the fake clock: move it on until the run is through (no real time is asserted).
        while (!run.IsCompleted)
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(1);
        }

        return Assert.Single(await run);
    }

    /// <summary>Every source message of every folder must be on the destination exactly as often as on the source.</summary>
    public static void AssertEachOnce(FakeFolder source, FakeFolder destination)
    {
        var expected = source.Messages.Select(m => Convert.ToHexString(m.Bytes)).Order().ToList();
        var actual = destination.Messages.Select(m => Convert.ToHexString(m.Bytes)).Order().ToList();
        Assert.Equal(expected, actual);
    }

    public void Dispose() => Directory.Delete(_spool, recursive: true);
}
