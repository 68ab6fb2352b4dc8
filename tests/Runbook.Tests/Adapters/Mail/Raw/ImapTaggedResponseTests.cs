using Runbook.Adapters.Mail.Raw;

namespace Runbook.Tests.Adapters.Mail.Raw;

public sealed class ImapTaggedResponseTests
{
    [Fact]
    public void Given_an_appenduid_range_When_parsed_Then_every_uid_in_order()
    {
        var response = ImapTaggedResponse.Parse("A1 OK [APPENDUID 38505 3955:3957,3960] APPEND completed", "A1")!;

        Assert.Equal(ImapStatus.Ok, response.Status);
        Assert.Equal("APPENDUID", response.Code);
        Assert.Equal([3955u, 3956u, 3957u, 3960u], response.AppendUids());
    }

    [Fact]
    public void Given_a_toobig_refusal_When_parsed_Then_code_and_reason_kept()
    {
        var response = ImapTaggedResponse.Parse("A2 NO [TOOBIG] Mail size is too large", "A2")!;

        Assert.Equal(ImapStatus.No, response.Status);
        Assert.Equal("TOOBIG", response.Code);
        Assert.Equal("[TOOBIG] Mail size is too large", response.Reason);
        Assert.Empty(response.AppendUids());
    }

    [Theory]
    [InlineData("* OK [ALERT] hello")]
    [InlineData("A9 OK other tag")]
    [InlineData("A1 MAYBE odd")]
    public void Given_a_line_that_is_not_this_tags_reply_When_parsed_Then_null(string line)
    {
        Assert.Null(ImapTaggedResponse.Parse(line, "A1"));
    }

    [Fact]
    public void Given_a_bad_without_code_When_parsed_Then_text_only()
    {
        var response = ImapTaggedResponse.Parse("A1 BAD Invalid characters in keyword", "A1")!;

        Assert.Equal(ImapStatus.Bad, response.Status);
        Assert.Null(response.Code);
        Assert.Equal("Invalid characters in keyword", response.Reason);
    }
}
