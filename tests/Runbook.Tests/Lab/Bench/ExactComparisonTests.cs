using System.Text;
using Runbook.Lab.Bench;
using Runbook.Lab.Corpus;

namespace Runbook.Tests.Lab.Bench;

public sealed class ExactComparisonTests
{
    private static readonly byte[] First = Encoding.ASCII.GetBytes("Subject: one\r\nMessage-ID: <1@x>\r\n\r\nbody one\r\n");
    private static readonly byte[] Second = Encoding.ASCII.GetBytes("Subject: two\r\nMessage-ID: <2@x>\r\n\r\nbody two\r\n");

    private static FolderDigest Folder(string name, params byte[][] messages) =>
        new("a@acme.test", name, [.. messages.Select(m => ExactComparison.Sha256(m))]);

    [Fact]
    public void Given_the_same_bytes_under_other_folder_names_When_comparing_Then_it_is_exact()
    {
        var result = ExactComparison.Compare([Folder("INBOX", First), Folder("INBOX.Spam", Second)], [Folder("INBOX", First), Folder("Junk", Second)]);

        Assert.True(result.Exact);
        Assert.Empty(result.Differences);
    }

    [Fact]
    public void Given_one_header_changed_When_comparing_Then_the_folder_is_named_as_different()
    {
        var changed = Encoding.ASCII.GetBytes("Subject: one\r\nMessage-ID: <1@y>\r\n\r\nbody one\r\n");

        var result = ExactComparison.Compare([Folder("INBOX", First, Second)], [Folder("INBOX", changed, Second)]);

        Assert.False(result.Exact);
        Assert.Contains(result.Differences, d => d.Contains("source folder INBOX", StringComparison.Ordinal));
    }

    [Fact]
    public void Given_a_message_copied_twice_When_comparing_Then_it_is_not_exact()
    {
        var result = ExactComparison.Compare([Folder("INBOX", First)], [Folder("INBOX", First, First)]);

        Assert.False(result.Exact);
        Assert.Equal(2, result.DestinationMessages);
    }

    [Fact]
    public void Given_two_source_folders_merged_into_one_When_comparing_Then_it_is_exact_only_if_the_union_is_identical()
    {
        Assert.True(ExactComparison.Compare([Folder("INBOX.Sent", First), Folder("INBOX.送信済み", Second)], [Folder("Sent", Second, First)]).Exact);
        Assert.False(ExactComparison.Compare([Folder("INBOX.Sent", First), Folder("INBOX.送信済み", Second)], [Folder("Sent", Second, First, First)]).Exact);
    }

    [Fact]
    public void Given_mbsyncs_x_tuid_header_When_removed_Then_the_bytes_are_the_original_ones()
    {
        var tagged = Encoding.ASCII.GetBytes("Subject: one\r\nMessage-ID: <1@x>\r\nX-TUID: 3hXbR+Zz2lZr\r\n\r\nbody one\r\n");

        Assert.Equal(First, ExactComparison.WithoutXTuid(tagged));
        Assert.Equal(First, ExactComparison.WithoutXTuid(First));
    }

    [Fact]
    public void Given_floor_folder_names_When_mapped_Then_the_old_prefix_and_separator_become_the_new_layout()
    {
        Assert.Equal("取引先/2024", FloorCopy.DestinationName(new WireFolder("INBOX.取引先.2024", '.')));
        Assert.Equal("INBOX", FloorCopy.DestinationName(new WireFolder("INBOX", '.')));
    }

    [Fact]
    public void Given_many_profile_When_generating_Then_20_messages_fill_all_15_folders()
    {
        var messages = new CorpusGenerator(new CorpusOptions(CorpusProfile.Many, 7)).Generate();

        Assert.Equal(20, messages.Count);
        Assert.Equal(15, CorpusGenerator.ManyFolders.Count);
        Assert.Equal(CorpusGenerator.ManyFolders.ToHashSet(), messages.Select(m => m.Folder).ToHashSet());
    }
}
