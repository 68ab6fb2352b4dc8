using Runbook.Adapters.Mail;
using Runbook.Engine;
using Runbook.Steps.Mail;

namespace Runbook.Tests.Steps.Mail;

/// <summary>What a pass reads of a source folder, from its STATUS now and what the last completed pass saw.</summary>
public sealed class FolderScanTests
{
    private static readonly FolderState Seen = new()
    {
        Account = "a@x", SourceFolder = "INBOX", UidValidity = 7, UidNext = 11, Messages = 10, HighestModSeq = 40,
        DestinationFolder = "INBOX", DestinationUidValidity = 9, DestinationUidNext = 21, DestinationMessages = 12, Present = 10, Deleted = 0,
    };

    private static readonly FolderStatus Source = new(7, 11, 10, 40);
    private static readonly FolderStatus Destination = new(9, 21, 12, null);

    private static FolderScanKind Decide(FolderState? seen = null, FolderStatus? now = null, string destination = "INBOX", FolderStatus? destinationNow = null, bool recopy = false) =>
        FolderScan.Decide(seen ?? Seen, now ?? Source, destination, destinationNow ?? Destination, recopy);

    [Fact]
    public void Given_the_same_status_on_both_sides_When_decided_Then_the_folder_is_unchanged() =>
        Assert.Equal(FolderScanKind.Unchanged, Decide());

    [Fact]
    public void Given_new_uids_or_a_new_modseq_only_When_decided_Then_only_the_changes_are_read()
    {
        Assert.Equal(FolderScanKind.Changes, Decide(now: Source with { UidNext = 13, Messages = 12, HighestModSeq = 42 }));
        Assert.Equal(FolderScanKind.Changes, Decide(now: Source with { HighestModSeq = 41 }));
        Assert.Equal(FolderScanKind.Changes, Decide(now: Source with { UidNext = 12, HighestModSeq = 41 }));
    }

    [Fact]
    public void Given_anything_the_comparison_cannot_vouch_for_When_decided_Then_the_folder_is_read_in_full()
    {
        FolderScanKind[] full =
        [
            Decide(now: Source with { UidValidity = 8 }),
            Decide(now: Source with { Messages = 9, HighestModSeq = 41 }),
            Decide(now: Source with { HighestModSeq = null }),
            Decide(seen: Seen with { HighestModSeq = null }),
            Decide(now: Source with { UidNext = 10 }),
            Decide(now: Source with { HighestModSeq = 39 }),
            Decide(destination: "Archive"),
            Decide(destinationNow: Destination with { UidValidity = 10 }),
            Decide(destinationNow: Destination with { Messages = 11 }),
            Decide(destinationNow: Destination with { UidNext = 22, Messages = 13 }),
            Decide(recopy: true),
            FolderScan.Decide(null, Source, "INBOX", Destination, false),
            FolderScan.Decide(Seen, null, "INBOX", Destination, false),
            FolderScan.Decide(Seen, Source, "INBOX", null, false),
        ];

        Assert.All(full, kind => Assert.Equal(FolderScanKind.Full, kind));
    }
}
