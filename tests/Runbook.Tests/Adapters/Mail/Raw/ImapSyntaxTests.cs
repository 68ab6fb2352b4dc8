using Runbook.Adapters.Mail.Raw;

namespace Runbook.Tests.Adapters.Mail.Raw;

public sealed class ImapSyntaxTests
{
    [Fact]
    public void Given_quotes_and_backslashes_When_quoted_Then_escaped()
    {
        Assert.Equal("\"a\\\"b\\\\c\"", ImapSyntax.Quoted("a\"b\\c"));
    }

    [Fact]
    public void Given_a_line_break_When_quoted_Then_refused()
    {
        Assert.Throws<ArgumentException>(() => ImapSyntax.Quoted("a\r\nb"));
    }

    [Fact]
    public void Given_a_non_ascii_mailbox_When_formatted_Then_modified_utf7_in_quotes()
    {
        Assert.Equal("\"INBOX.Cart&APM-rio\"", ImapSyntax.Mailbox("INBOX.Cartório"));
    }

    [Fact]
    public void Given_a_single_digit_day_and_negative_offset_When_formatted_Then_rfc3501_date_time()
    {
        var date = new DateTimeOffset(2024, 3, 5, 7, 8, 9, TimeSpan.FromMinutes(-330));

        Assert.Equal("\" 5-Mar-2024 07:08:09 -0530\"", ImapSyntax.DateTime(date));
    }

    [Fact]
    public void Given_flags_and_keywords_When_formatted_Then_system_flags_get_backslashes()
    {
        Assert.Equal("(\\Seen \\Flagged $Label1)", ImapSyntax.FlagList(["Seen", "Flagged"], ["$Label1"]));
        Assert.Null(ImapSyntax.FlagList([], []));
    }

    [Theory]
    [InlineData("$Forwarded", true)]
    [InlineData("Junk", true)]
    [InlineData("has space", false)]
    [InlineData("paren(", false)]
    [InlineData("\\Seen", false)]
    [InlineData("wildcard*", false)]
    [InlineData("caf\u00e9", false)]
    [InlineData("", false)]
    public void Given_a_keyword_When_checked_Then_only_atoms_are_valid(string keyword, bool valid)
    {
        Assert.Equal(valid, ImapSyntax.IsValidKeyword(keyword));
    }
}
