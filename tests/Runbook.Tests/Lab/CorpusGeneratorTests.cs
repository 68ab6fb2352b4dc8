using System.Text;
using Runbook.Lab.Corpus;

namespace Runbook.Tests.Lab;

public sealed class CorpusGeneratorTests
{
    private static IReadOnlyList<CorpusMessage> Small(int seed) => new CorpusGenerator(new CorpusOptions(CorpusProfile.Small, seed)).Generate();

    [Fact]
    public void Given_same_seed_When_generating_twice_Then_bytes_flags_and_dates_are_identical()
    {
        var first = Small(5);
        var second = Small(5);

        Assert.Equal(first.Count, second.Count);
        Assert.All(first.Zip(second), p =>
        {
            Assert.Equal(p.First.Bytes, p.Second.Bytes);
            Assert.Equal(p.First.Flags, p.Second.Flags);
            Assert.Equal(p.First.InternalDate, p.Second.InternalDate);
        });
    }

    [Fact]
    public void Given_different_seeds_When_generating_Then_corpora_differ()
    {
        Assert.NotEqual(Small(1).Select(m => ServedBytes.Sha256(m.Bytes)), Small(2).Select(m => ServedBytes.Sha256(m.Bytes)));
    }

    [Fact]
    public void Given_small_profile_Then_every_oddity_is_present()
    {
        var messages = Small(1);
        string[] labels = ["no-message-id", "shared-message-id-a", "shared-message-id-b", "iso-2022-jp", "shift-jis", "latin1-8bit",
            "binary-attachment", "no-final-newline", "bare-lf", "mbox-from-line", "bom", "broken-mime-unterminated", "multi-mb"];

        Assert.All(labels, label => Assert.Contains(messages, m => m.Label == label));
        Assert.Equal(messages.Single(m => m.Label == "shared-message-id-a").MessageId, messages.Single(m => m.Label == "shared-message-id-b").MessageId);
        Assert.NotEqual((byte)'\n', messages.Single(m => m.Label == "no-final-newline").Bytes[^1]);
        Assert.Equal([0xEF, 0xBB, 0xBF], messages.Single(m => m.Label == "bom").Bytes[..3]);
        Assert.True(messages.Select(m => m.InternalDate.Year).Distinct().Count() >= 5);
        Assert.DoesNotContain(messages, m => m.Bytes.Length >= 10_000_000);
    }

    [Fact]
    public void Given_huge_option_Then_one_message_of_30_MB_is_added()
    {
        var messages = new CorpusGenerator(new CorpusOptions(CorpusProfile.Small, 1, IncludeHuge: true)).Generate();

        Assert.Single(messages, m => m.Bytes.Length is >= 30_000_000 and < 31_000_000);
    }

    [Fact]
    public void Given_bare_LF_and_NUL_When_computing_served_bytes_Then_they_become_CRLF_and_0x80_like_Dovecot()
    {
        var served = ServedBytes.From(Encoding.Latin1.GetBytes("a\nb\r\nc\0\rd"));

        Assert.Equal("a\r\nb\r\nc\u0080\rd", Encoding.Latin1.GetString(served));
    }

    [Theory]
    [InlineData("取引先", "&U9ZfFVFI-")]
    [InlineData("送信済み", "&kAFP4W4IMH8-")]
    [InlineData("Tom & Jerry", "Tom &- Jerry")]
    public void Given_folder_name_When_encoding_modified_UTF7_Then_matches_RFC_3501(string name, string encoded)
    {
        Assert.Equal(encoded, ModifiedUtf7.Encode(name));
    }
}
