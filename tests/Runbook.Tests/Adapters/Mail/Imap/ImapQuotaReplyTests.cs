using Runbook.Adapters.Mail.Imap;

namespace Runbook.Tests.Adapters.Mail.Imap;

/// <summary>RFC 9208 quota replies as servers really send them, read without MailKit (which drops the connection on "()").</summary>
public sealed class ImapQuotaReplyTests
{
    [Fact]
    public void Given_an_empty_resource_list_as_Cyrus_sends_it_When_parsed_Then_no_limit_and_nothing_unreadable()
    {
        var quota = ImapQuotaReply.Parse(["* QUOTAROOT INBOX INBOX", "* QUOTA INBOX ()"]);

        Assert.Equal(new MailQuotaView(null, 0, null, null, "", null), View(quota));
    }

    [Fact]
    public void Given_no_quota_root_When_parsed_Then_no_limit()
    {
        Assert.Equal(new MailQuotaView(null, 0, null, null, "", null), View(ImapQuotaReply.Parse(["* QUOTAROOT INBOX"])));
    }

    [Fact]
    public void Given_storage_message_and_resources_Runbook_does_not_know_When_parsed_Then_storage_in_bytes_and_the_others_kept_to_show()
    {
        var quota = ImapQuotaReply.Parse(["* QUOTAROOT INBOX INBOX", "* QUOTA INBOX (STORAGE 12 10240 MESSAGE 3 1000 X-NUM-FOLDERS 5 100 x-annotation-storage 0 10)"]);

        Assert.Equal(new MailQuotaView(10240 * 1024L, 12 * 1024L, 1000, 3, "X-NUM-FOLDERS 5/100, X-ANNOTATION-STORAGE 0/10", null), View(quota));
    }

    [Fact]
    public void Given_a_quoted_root_as_Dovecot_sends_it_When_parsed_Then_read()
    {
        var quota = ImapQuotaReply.Parse(["* QUOTAROOT INBOX \"User quota\"", "* QUOTA \"User quota\" (STORAGE 0 65536)"]);

        Assert.Equal(65536 * 1024L, quota.StorageLimitBytes);
    }

    [Fact]
    public void Given_two_quota_roots_When_parsed_Then_the_tightest_limit_of_each_resource_counts()
    {
        var quota = ImapQuotaReply.Parse(["* QUOTAROOT INBOX user domain", "* QUOTA user (STORAGE 100 1000)", "* QUOTA domain (STORAGE 900 1000)"]);

        Assert.Equal((1000 * 1024L, 900 * 1024L), (quota.StorageLimitBytes, quota.StorageUsedBytes));
    }

    [Theory]
    [InlineData("* QUOTA INBOX (STORAGE 0)")]
    [InlineData("* QUOTA INBOX (STORAGE x y)")]
    [InlineData("* QUOTA INBOX (STORAGE 0 10")]
    [InlineData("* QUOTA INBOX STORAGE 0 10")]
    [InlineData("* QUOTA \"INBOX (STORAGE 0 10)")]
    public void Given_a_reply_that_cannot_be_read_When_parsed_Then_the_quota_is_unknown_and_the_reply_quoted(string line)
    {
        var quota = ImapQuotaReply.Parse(["* QUOTAROOT INBOX INBOX", line]);

        Assert.Equal($"the server's quota reply could not be read: {line}", quota.Unreadable);
        Assert.Null(quota.StorageLimitBytes);
    }

    private sealed record MailQuotaView(long? Limit, long Used, long? MessageLimit, long? Messages, string Others, string? Unreadable);

    private static MailQuotaView View(Runbook.Adapters.Mail.MailQuota q) =>
        new(q.StorageLimitBytes, q.StorageUsedBytes, q.MessageLimit, q.MessagesUsed, string.Join(", ", q.Others.Select(o => $"{o.Name} {o.Usage}/{o.Limit}")), q.Unreadable);
}
