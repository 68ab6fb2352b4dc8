using System.Text;
using Runbook.Adapters.Mail;
using Runbook.Adapters.Mail.Pop3;
using Runbook.Errors;
using Runbook.Plan.Model;
using Runbook.Tests.Support;

namespace Runbook.Tests.Adapters.Mail.Pop3;

public sealed class RawPop3SessionTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly MailLogin Login = new("carol@old.test", "hunter2-secret");

    private static readonly byte[][] Mailbox =
    [
        Message("Message-ID: <a@x>\r\nSubject: one\r\n", "body one\r\n"),
        Message("Message-ID: <b@x>\r\nSubject: two\r\n.dot header line\r\n", ".\r\nbody with a dot line\r\n"),
        Message("Subject: three, no id\r\n", "body three\r\n"),
    ];

    [Fact]
    public async Task Given_a_server_without_CAPA_When_UIDL_is_asked_Then_the_command_is_tried_anyway_and_the_listing_returned()
    {
        await using var server = new ScriptedPop3Server(Mailbox, capabilities: null);
        await using var session = await RawPop3Session.OpenAsync(Endpoint(server.Port), Login, None);

        var uidls = await session.UidlAsync(None);

        Assert.False(session.Has("UIDL"));
        Assert.Equal([(1, "uid-1"), (2, "uid-2"), (3, "uid-3")], uidls);
    }

    [Fact]
    public async Task Given_a_server_that_answers_UIDL_with_ERR_When_asked_Then_a_non_retryable_failure_says_there_is_no_UIDL()
    {
        await using var server = new ScriptedPop3Server(Mailbox, ["USER", "TOP"]) { Reply = c => c == "UIDL" ? "-ERR no such command\r\n" : null };
        await using var session = await RawPop3Session.OpenAsync(Endpoint(server.Port), Login, None);

        var error = await Assert.ThrowsAsync<StepFailedException>(() => session.UidlAsync(None));

        Assert.False(error.Retryable);
        Assert.Contains("has no UIDL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_server_without_CAPA_nor_TOP_When_headers_are_read_Then_RETR_goes_one_at_a_time_and_each_stream_gets_its_header_block()
    {
        await using var server = new ScriptedPop3Server(Mailbox, capabilities: null);
        await using var session = await RawPop3Session.OpenAsync(Endpoint(server.Port), Login, None);
        var streams = new Dictionary<int, MemoryStream>();

        await session.ReadHeadersAsync(Listing(Mailbox), n => streams[n] = new MemoryStream(), None);

        Assert.Equal(["RETR 1", "RETR 2", "RETR 3"], server.Received.Where(c => c.StartsWith("RETR", StringComparison.Ordinal)));
        Assert.False(server.ClientSentAhead);
        Assert.Equal([1, 2, 3], streams.Keys);
        Assert.All(streams, s => Assert.Equal(Mailbox[s.Key - 1], s.Value.ToArray()));
    }

    [Fact]
    public async Task Given_a_server_with_PIPELINING_and_TOP_When_headers_are_read_Then_the_TOP_commands_go_out_in_one_burst_and_each_block_arrives_in_order()
    {
        var many = Enumerable.Range(1, 120).Select(i => Message($"Message-ID: <m{i}@x>\r\nSubject: {i}\r\n", $"body {i}\r\n")).ToArray();
        await using var server = new ScriptedPop3Server(many, ["USER", "TOP", "UIDL", "PIPELINING"]);
        await using var session = await RawPop3Session.OpenAsync(Endpoint(server.Port), Login, None);
        var order = new List<int>();
        var streams = new Dictionary<int, MemoryStream>();

        await session.ReadHeadersAsync(Listing(many), n => { order.Add(n); return streams[n] = new MemoryStream(); }, None);

        Assert.True(server.ClientSentAhead);
        Assert.Equal(120, server.Received.Count(c => c.StartsWith("TOP ", StringComparison.Ordinal)));
        Assert.DoesNotContain(server.Received, c => c.StartsWith("RETR", StringComparison.Ordinal));
        Assert.Equal(Enumerable.Range(1, 120), order);
        Assert.All(streams, s => Assert.Equal(ScriptedPop3Server.Head(many[s.Key - 1]), s.Value.ToArray()));
    }

    [Fact]
    public async Task Given_a_big_message_and_no_TOP_When_headers_are_read_Then_only_the_first_256_KB_reach_the_stream()
    {
        byte[][] big = [Message("Subject: big\r\n", string.Concat(Enumerable.Repeat(new string('x', 998) + "\r\n", 400)))];
        await using var server = new ScriptedPop3Server(big, ["USER", "UIDL"]);
        await using var session = await RawPop3Session.OpenAsync(Endpoint(server.Port), Login, None);
        using var head = new MemoryStream();

        await session.ReadHeadersAsync(Listing(big), _ => head, None);
        var afterwards = await session.UidlAsync(None);

        Assert.Equal(RawPop3Session.HeaderCap, head.Length);
        Assert.Equal(big[0].AsSpan(0, RawPop3Session.HeaderCap).ToArray(), head.ToArray());
        Assert.Single(afterwards);
    }

    [Fact]
    public async Task Given_one_refused_TOP_in_a_pipelined_burst_When_headers_are_read_Then_it_fails_non_retryable_after_reading_the_burst_and_the_session_still_works()
    {
        await using var server = new ScriptedPop3Server(Mailbox, ["USER", "TOP", "UIDL", "PIPELINING"]) { Reply = c => c == "TOP 2 0" ? "-ERR no such message\r\n" : null };
        await using var session = await RawPop3Session.OpenAsync(Endpoint(server.Port), Login, None);
        var streams = new Dictionary<int, MemoryStream>();

        var error = await Assert.ThrowsAsync<StepFailedException>(() => session.ReadHeadersAsync(Listing(Mailbox), n => streams[n] = new MemoryStream(), None));
        var afterwards = await session.UidlAsync(None);

        Assert.False(error.Retryable);
        Assert.Contains("no such message", error.Message, StringComparison.Ordinal);
        Assert.Equal([1, 3], streams.Keys);
        Assert.Equal(3, afterwards.Count);
    }

    [Theory]
    [InlineData("PASS", "-ERR [IN-USE] Mailbox is locked by another POP3 session.")]
    [InlineData("PASS", "-ERR [SYS/TEMP] Temporary failure, try again later")]
    [InlineData("STAT", "-ERR [IN-USE] Couldn't open INBOX: Mailbox is locked by another POP3 session")]
    public async Task Given_a_busy_reply_to_the_login_or_right_after_it_When_the_session_opens_Then_a_retryable_busy_failure_names_server_and_account(string command, string reply)
    {
        await using var server = new ScriptedPop3Server(Mailbox, ["USER", "TOP", "UIDL"]) { Reply = c => c.StartsWith(command, StringComparison.Ordinal) ? reply + "\r\n" : null };

        var error = await Assert.ThrowsAsync<StepFailedException>(() => RawPop3Session.OpenAsync(Endpoint(server.Port), Login, None));

        Assert.True(error.Retryable);
        Assert.Equal(ExitCode.StepFailed, error.ExitCode);
        Assert.Contains($"old (127.0.0.1:{server.Port})", error.Message, StringComparison.Ordinal);
        Assert.Contains("account carol@old.test is busy", error.Message, StringComparison.Ordinal);
        Assert.Contains("will be retried", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-secret", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_wrong_password_When_the_session_opens_Then_it_is_still_an_authentication_failure()
    {
        await using var server = new ScriptedPop3Server(Mailbox, ["USER"]) { Reply = c => c.StartsWith("PASS", StringComparison.Ordinal) ? "-ERR [AUTH] Authentication failed.\r\n" : null };

        var error = await Assert.ThrowsAsync<AuthenticationFailedException>(() => RawPop3Session.OpenAsync(Endpoint(server.Port), Login, None));

        Assert.Equal(ExitCode.AuthenticationFailed, error.ExitCode);
        Assert.DoesNotContain("hunter2-secret", error.ToString(), StringComparison.Ordinal);
    }

    private static byte[] Message(string headers, string body) => Encoding.ASCII.GetBytes(headers + "\r\n" + body);

    private static List<(int Number, long Size)> Listing(byte[][] messages) => [.. messages.Select((m, i) => (i + 1, (long)m.Length))];

    private static MailEndpoint Endpoint(int port) => new("old", new Endpoint { Host = "127.0.0.1", Port = port, Security = TransportSecurity.None });
}
