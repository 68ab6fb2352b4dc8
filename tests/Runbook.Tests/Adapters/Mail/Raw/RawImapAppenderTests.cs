using System.Text;
using Runbook.Adapters.Mail;
using Runbook.Adapters.Mail.Raw;
using Runbook.Errors;
using Runbook.Tests.Support;

namespace Runbook.Tests.Adapters.Mail.Raw;

public sealed class RawImapAppenderTests
{
    private const string FullCaps = "IMAP4rev1 LITERAL+ MULTIAPPEND UIDPLUS AUTH=PLAIN SASL-IR";

    [Fact]
    public async Task Given_a_batch_When_multiappend_succeeds_Then_bytes_are_exact_and_uids_assigned()
    {
        await using var server = new ScriptedImapServer(FullCaps, _ => ["TAG OK [APPENDUID 7 101:102] done"]);
        byte[] bareLf = "Subject: a\nno final newline"u8.ToArray();
        byte[] bom = [0xEF, 0xBB, 0xBF, .. "From x@y Mon Jan  1 00:00:00 2024\r\nSubject: b\r\n\r\nbody\r\n"u8];

        var results = await AppendAsync(server, "Cartório", [Item("1", bareLf, ["Seen"], ["$Label1"]), Item("2", bom)]);

        Assert.Equal([101u, 102u], results.Select(r => r.Uid!.Value));
        Assert.All(results, r => Assert.Equal(AppendStatus.Stored, r.Status));
        var append = Assert.Single(server.Received, c => c.Verb == "APPEND");
        Assert.Equal(bareLf, append.Literals[0]);
        Assert.Equal(bom, append.Literals[1]);
        Assert.StartsWith("APPEND \"Cart&APM-rio\" (\\Seen $Label1) \" 2-Jan-2024 03:04:05 +0900\" {", append.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_multiappend_refused_When_appending_Then_retried_one_by_one_and_only_the_culprit_is_rejected()
    {
        await using var server = new ScriptedImapServer(FullCaps, c =>
            c.Literals.Any(l => l.Length > 50) ? ["TAG NO [TOOBIG] Mail too large"] : ["TAG OK [APPENDUID 7 5] done"]);

        var results = await AppendAsync(server, "INBOX", [Item("small", new byte[10]), Item("big", new byte[60], ["Seen"], ["$K"])]);

        Assert.Equal(AppendStatus.Stored, results[0].Status);
        Assert.Equal(AppendStatus.Rejected, results[1].Status);
        Assert.Equal("[TOOBIG] Mail too large", results[1].Reason);
        // A size refusal is not retried without flags: 1 MULTIAPPEND + 2 single APPENDs.
        Assert.Equal(3, server.Received.Count(c => c.Verb == "APPEND"));
    }

    [Fact]
    public async Task Given_a_refused_keyword_When_appending_Then_stored_without_it_and_the_keyword_is_reported()
    {
        await using var server = new ScriptedImapServer(FullCaps, c =>
            c.Text.Contains("$Forbidden", StringComparison.Ordinal) ? ["TAG NO Keyword not allowed"] : ["TAG OK [APPENDUID 7 9] done"]);

        var results = await AppendAsync(server, "INBOX", [Item("1", new byte[10], ["Seen"], ["$Forbidden"])]);

        var result = Assert.Single(results);
        Assert.Equal(AppendStatus.Stored, result.Status);
        Assert.Equal(["$Forbidden"], result.DroppedKeywords);
        Assert.Contains("(\\Seen)", server.Received.Last(c => c.Verb == "APPEND").Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_an_unsendable_keyword_When_appending_Then_it_is_dropped_up_front_and_reported()
    {
        await using var server = new ScriptedImapServer(FullCaps, _ => ["TAG OK [APPENDUID 7 9] done"]);

        var result = Assert.Single(await AppendAsync(server, "INBOX", [Item("1", new byte[10], [], ["bad keyword", "$Ok"])]));

        Assert.Equal(AppendStatus.Stored, result.Status);
        Assert.Equal(["bad keyword"], result.DroppedKeywords);
        Assert.Contains("($Ok)", server.Received.Single(c => c.Verb == "APPEND").Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_message_refused_for_other_reasons_When_appending_Then_rejected_after_flag_fallbacks()
    {
        await using var server = new ScriptedImapServer(FullCaps, _ => ["TAG NO Broken MIME"]);

        var result = Assert.Single(await AppendAsync(server, "INBOX", [Item("1", new byte[10], ["Seen"], ["$K"])]));

        Assert.Equal(AppendStatus.Rejected, result.Status);
        Assert.Equal("Broken MIME", result.Reason);
        Assert.Equal(3, server.Received.Count(c => c.Verb == "APPEND"));
    }

    [Theory]
    [InlineData("UNAVAILABLE", true)]
    [InlineData("INUSE", true)]
    [InlineData("TRYCREATE", false)]
    public async Task Given_a_folder_level_refusal_When_appending_Then_thrown_with_retryability(string code, bool retryable)
    {
        await using var server = new ScriptedImapServer(FullCaps, _ => [$"TAG NO [{code}] try later"]);

        var error = await Assert.ThrowsAsync<StepFailedException>(() => AppendAsync(server, "INBOX", [Item("1", new byte[10])]));

        Assert.Equal(retryable, error.Retryable);
    }

    [Fact]
    public async Task Given_an_appendlimit_When_an_item_exceeds_it_Then_rejected_without_sending_it()
    {
        await using var server = new ScriptedImapServer(FullCaps, _ => ["TAG OK [APPENDUID 7 1] done"]);

        var results = await AppendAsync(server, "INBOX", [Item("1", new byte[10]), Item("2", new byte[100])], appendLimit: 50);

        Assert.Equal([AppendStatus.Stored, AppendStatus.Rejected], results.Select(r => r.Status));
        Assert.Contains("APPENDLIMIT is 50", results[1].Reason, StringComparison.Ordinal);
        Assert.Single(server.Received.Single(c => c.Verb == "APPEND").Literals);
    }

    [Fact]
    public async Task Given_no_literal_plus_When_appending_Then_synchronising_literals_carry_the_exact_bytes()
    {
        await using var server = new ScriptedImapServer("IMAP4rev1 AUTH=PLAIN", _ => ["TAG OK done"]);
        var bytes = Encoding.ASCII.GetBytes("Subject: x\r\n\r\n.\r\n");

        var result = Assert.Single(await AppendAsync(server, "INBOX", [Item("1", bytes)]));

        Assert.Equal(AppendStatus.Stored, result.Status);
        Assert.Null(result.Uid);
        Assert.Equal(bytes, server.Received.Single(c => c.Verb == "APPEND").Literals[0]);
    }

    [Fact]
    public async Task Given_the_connection_drops_mid_literal_When_appending_Then_a_retryable_error()
    {
        await using var server = new ScriptedImapServer(FullCaps, _ => ["TAG OK done"]) { CloseAfterLiteralBytes = 1000 };

        var error = await Assert.ThrowsAsync<StepFailedException>(() => AppendAsync(server, "INBOX", [Item("1", new byte[500_000])]));

        Assert.True(error.Retryable);
    }

    [Fact]
    public async Task Given_content_shorter_than_announced_When_appending_Then_not_retryable_and_nothing_sent()
    {
        await using var server = new ScriptedImapServer(FullCaps, _ => ["TAG OK done"]);
        var item = Item("1", new byte[10]) with { Size = 11 };

        var error = await Assert.ThrowsAsync<StepFailedException>(() => AppendAsync(server, "INBOX", [item]));

        Assert.False(error.Retryable);
        Assert.DoesNotContain(server.Received, c => c.Verb == "APPEND");
    }

    [Fact]
    public async Task Given_content_that_cannot_be_read_When_appending_Then_the_connection_is_not_reused()
    {
        await using var server = new ScriptedImapServer(FullCaps, _ => ["TAG OK done"]);
        var endpoint = server.Endpoint("fake");
        await using var connection = await RawImapConnection.OpenAsync(endpoint, new MailLogin("u", "p"), CancellationToken.None);
        var unreadable = Item("1", new byte[10]) with { OpenContent = () => throw new FileNotFoundException("spool file gone") };

        await Assert.ThrowsAsync<FileNotFoundException>(() => new RawImapAppender(connection, null).AppendAsync("INBOX", [Item("0", new byte[5]), unreadable], CancellationToken.None));

        Assert.True(connection.Broken);
    }

    private static async Task<IReadOnlyList<AppendResult>> AppendAsync(ScriptedImapServer server, string mailbox, IReadOnlyList<AppendItem> items, long? appendLimit = null)
    {
        var endpoint = server.Endpoint("fake");
        await using var connection = await RawImapConnection.OpenAsync(endpoint, new MailLogin("u", "p"), CancellationToken.None);
        return await new RawImapAppender(connection, appendLimit).AppendAsync(mailbox, items, CancellationToken.None);
    }

    private static AppendItem Item(string id, byte[] content, string[]? flags = null, string[]? keywords = null) => new()
    {
        Source = new SourceMessage { SourceId = id, Size = content.Length, HeaderDigest = id },
        Size = content.Length,
        OpenContent = () => new MemoryStream(content, writable: false),
        Flags = flags ?? [],
        Keywords = keywords ?? [],
        InternalDate = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.FromHours(9)),
    };
}
