using Runbook.Adapters.Mail;
using Runbook.Steps.Mail;

namespace Runbook.Tests.Steps.Mail;

public sealed class MessageMatcherTests
{
    private static SourceMessage Source(uint uid, string? messageId, string digest, long size = 100) =>
        new() { SourceId = uid.ToString(System.Globalization.CultureInfo.InvariantCulture), Uid = uid, Size = size, MessageId = messageId, HeaderDigest = digest };

    [Fact]
    public void Given_a_unique_message_id_When_matched_Then_the_id_decides_and_brackets_do_not_matter()
    {
        var matcher = new MessageMatcher([new DestinationMessage(7, "<a@x>", "other-digest", 100)]);

        var result = matcher.Match([Source(1, "a@x", "d1")]);

        Assert.Equal(7u, Assert.Single(result.Present).DestinationUid);
        Assert.Empty(result.Missing);
    }

    [Fact]
    public void Given_two_distinct_messages_sharing_a_message_id_When_one_is_on_the_destination_Then_only_the_other_is_missing()
    {
        var matcher = new MessageMatcher([new DestinationMessage(1, "dup@x", "d1", 100)]);

        var result = matcher.Match([Source(1, "dup@x", "d1"), Source(2, "dup@x", "d2")]);

        Assert.Equal(2u, Assert.Single(result.Missing).Uid);
    }

    [Fact]
    public void Given_identical_messages_without_message_id_When_matched_Then_each_needs_its_own_copy()
    {
        var matcher = new MessageMatcher([new DestinationMessage(1, null, "same", 100)]);

        var result = matcher.Match([Source(1, null, "same"), Source(2, null, "same"), Source(3, null, "same")]);

        Assert.Single(result.Present);
        Assert.Equal(2, result.Missing.Count);
    }

    [Fact]
    public void Given_same_digest_but_different_size_When_matched_Then_it_is_not_a_match()
    {
        var matcher = new MessageMatcher([new DestinationMessage(1, null, "same", 100)]);

        var result = matcher.Match([Source(1, null, "same", size: 101)]);

        Assert.Single(result.Missing);
    }

    [Fact]
    public void Given_two_source_folders_merged_When_matched_in_turn_Then_a_destination_copy_is_claimed_once()
    {
        var matcher = new MessageMatcher([new DestinationMessage(1, "m@x", "d", 100)]);

        var first = matcher.Match([Source(1, "m@x", "d")]);
        var second = matcher.Match([Source(1, "m@x", "d")]);

        Assert.Single(first.Present);
        Assert.Single(second.Missing);
    }
}
