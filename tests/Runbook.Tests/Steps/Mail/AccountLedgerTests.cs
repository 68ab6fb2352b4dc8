using Runbook.Engine;
using Runbook.Steps.Mail;
using Runbook.Tests.Steps.Mail.Fakes;

namespace Runbook.Tests.Steps.Mail;

/// <summary>One account's ledger during a pass: a unit that is done forgets its folders' entries, and only those.</summary>
public sealed class AccountLedgerTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Given_two_folders_copied_When_one_is_forgotten_Then_the_other_is_still_found_and_claims_its_copies()
    {
        var store = new FakeLedger();
        await store.RecordAsync([Entry("INBOX", "1", 11), Entry("Archive", "1", 21), Entry("Archive", "2", 22)], None);
        var ledger = await AccountLedger.LoadAsync(store, "alice@example.test", None);
        await ledger.EnsureLoadedAsync(None);

        ledger.Forget(["INBOX"]);

        Assert.Null(ledger.Find("INBOX", 7, "1"));
        Assert.Equal(21u, ledger.Find("Archive", 7, "1")?.DestinationUid);
        Assert.Equal([21u, 22u], ledger.Claimed("Archive", 9, new HashSet<(string, uint)> { ("Archive", 7), ("INBOX", 7) }).Order());
        Assert.Empty(ledger.Claimed("INBOX", 9, new HashSet<(string, uint)> { ("INBOX", 7) }));
        Assert.Equal(3, store.Entries.Count);
    }

    private static LedgerEntry Entry(string folder, string id, uint destinationUid) => new()
    {
        Account = "alice@example.test",
        SourceFolder = folder,
        SourceUidValidity = 7,
        SourceId = id,
        Identity = $"{folder}-{id}",
        Size = 100,
        DestinationFolder = folder,
        DestinationUidValidity = 9,
        DestinationUid = destinationUid,
        How = LedgerHow.Copied,
    };
}
