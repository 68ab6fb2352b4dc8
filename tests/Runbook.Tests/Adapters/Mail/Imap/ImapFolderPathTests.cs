using Runbook.Adapters.Mail;
using Runbook.Adapters.Mail.Imap;
using Runbook.Errors;

namespace Runbook.Tests.Adapters.Mail.Imap;

public sealed class ImapFolderPathTests
{
    private static readonly MailNamespace Modern = new("", '/');
    private static readonly MailNamespace Courier = new("INBOX", '.');

    [Fact]
    public void Given_a_modern_server_When_a_nested_path_is_translated_Then_parents_come_first()
    {
        Assert.Equal(["Archive", "Archive/2024", "Archive/2024/Cartório"], ImapFolderPath.WithParents("Archive/2024/Cartório", Modern));
    }

    [Fact]
    public void Given_a_courier_server_When_a_path_is_translated_Then_prefix_and_dot_separator_are_used()
    {
        Assert.Equal(["INBOX.Archive", "INBOX.Archive.2024"], ImapFolderPath.WithParents("Archive/2024", Courier));
    }

    [Theory]
    [InlineData("INBOX", "INBOX")]
    [InlineData("inbox", "INBOX")]
    [InlineData("INBOX/Sub", "INBOX.Sub")]
    public void Given_inbox_paths_When_translated_Then_not_prefixed_twice(string path, string expected)
    {
        Assert.Equal(expected, ImapFolderPath.ToServerName(path, Courier));
    }

    [Fact]
    public void Given_a_segment_with_the_server_separator_When_translated_Then_refused_with_advice()
    {
        var error = Assert.Throws<StepFailedException>(() => ImapFolderPath.ToServerName("Projects/v1.2", Courier));

        Assert.False(error.Retryable);
        Assert.Contains("folder map", error.Message, StringComparison.Ordinal);
    }
}
