using System.Text;
using Runbook.Engine;
using Runbook.Tests.Steps.Mail.Fakes;

namespace Runbook.Tests.Steps.Mail;

/// <summary>Checking what the new server stored: a copy with other bytes is an exception, not a copied message.</summary>
public sealed class StoredCopyTests
{
    private const string Alice = "alice@example.test";

    [Fact]
    public async Task Given_a_server_that_rewrites_8bit_header_bytes_When_migrated_Then_those_copies_are_altered_not_copied_and_never_appended_again()
    {
        using var harness = new CopyHarness();
        var (old, @new) = harness.Connector.Add(Alice);
        old.Folder("INBOX").AddBytes(Encoding.UTF8.GetBytes("Subject: Another PDF with 🎉 in it\r\n\r\nbody\r\n"), "pdf@x");
        old.Folder("INBOX").Add("Subject: plain\r\n\r\nbody", "plain@x");
        harness.Connector.Behaviour = new FakeDestinationBehaviour { EightBitHeaderToX = true };

        var first = await harness.RunAsync();
        var second = await harness.RunAsync();

        var inbox = first.Folders.Single(f => f.Source == "INBOX");
        Assert.Equal((1, 1), (inbox.Copied, inbox.Altered));
        var altered = Assert.Single(first.Alterations);
        Assert.Equal(("pdf@x", "Cyrus IMAP (fake)"), (old.Folders["INBOX"].Messages.Single(m => m.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture) == altered.SourceId).MessageId, altered.Software));
        Assert.True(altered.What.StartsWith("same size, other bytes; first difference at byte 26 (header): sent F0 9F 8E 89 20 69 6E 20, stored 58 58 58 58 20 69 6E 20", StringComparison.Ordinal), altered.What);
        Assert.Contains(harness.Ledger.Entries, e => e.How == LedgerHow.Altered);
        Assert.Equal(0, second.Folders.Sum(f => f.Copied + f.Altered));
        Assert.Equal(2, @new.Folders["INBOX"].Messages.Count);
    }

    [Fact]
    public async Task Given_clean_messages_When_migrated_Then_sizes_are_checked_once_per_batch_and_nothing_is_read_back()
    {
        using var harness = new CopyHarness();
        var (old, _) = harness.Connector.Add(Alice);
        for (var i = 0; i < 5; i++)
        {
            old.Folder("INBOX").Add($"Subject: m{i}\r\n\r\nbody", $"m{i}@x");
        }

        var result = await harness.RunAsync();

        // Batch size 2: three batches, three reads of the stored sizes, and no message body read back.
        Assert.Equal(3, harness.Connector.Behaviour.StoredReads);
        Assert.Equal(5, result.Folders.Single(f => f.Source == "INBOX").Copied);
        Assert.Empty(result.Alterations);
    }

    [Fact]
    public async Task Given_repair_of_8bit_headers_When_migrated_into_a_rewriting_server_Then_the_message_arrives_repaired_its_original_is_kept_and_a_rerun_copies_nothing()
    {
        using var harness = new CopyHarness();
        var quarantine = Directory.CreateTempSubdirectory("runbook-test-quarantine").FullName;
        var (old, @new) = harness.Connector.Add(Alice);
        var original = Encoding.UTF8.GetBytes("Subject: Another PDF with 🎉 in it\r\n\r\nbody\r\n");
        old.Folder("INBOX").AddBytes(original, "pdf@x");
        harness.Connector.Behaviour = new FakeDestinationBehaviour { EightBitHeaderToX = true };
        harness.Options = harness.Options with { Repairs = Runbook.Steps.Mail.Repair.RepairKinds.Headers8Bit, QuarantineDirectory = quarantine };

        try
        {
            var first = await harness.RunAsync();
            var second = await harness.RunAsync();

            var inbox = first.Folders.Single(f => f.Source == "INBOX");
            Assert.Equal((1, 1, 0), (inbox.Copied, inbox.Repaired, inbox.Altered));
            var repaired = Assert.Single(first.Repairs);
            Assert.Equal(original, await File.ReadAllBytesAsync(repaired.Original));
            Assert.StartsWith(quarantine, repaired.Original, StringComparison.Ordinal);
            Assert.Contains("=?utf-8?", Encoding.ASCII.GetString(@new.Folders["INBOX"].Messages.Single().Bytes), StringComparison.OrdinalIgnoreCase);
            Assert.Contains(harness.Ledger.Entries, e => e.How == LedgerHow.Repaired && e.Identity.Contains(" repaired ", StringComparison.Ordinal));
            Assert.Equal(0, second.Folders.Sum(f => f.Copied + f.Altered));
            Assert.Single(@new.Folders["INBOX"].Messages);
        }
        finally
        {
            Directory.Delete(quarantine, recursive: true);
        }
    }
}
