using MailKit.Net.Imap;
using MailKit.Security;
using Runbook.Adapters.Mail;
using Runbook.Adapters.Mail.Connection;
using Runbook.Adapters.Mail.Raw;
using Runbook.Errors;
using Runbook.Plan.Model;
using Runbook.Tests.Support;

namespace Runbook.Tests.Adapters.Mail.Connection;

/// <summary>"Busy" refusals (RFC 5530, RFC 3206) mean "not now": retryable, never exit 77.</summary>
public sealed class BusyLoginTests
{
    private static readonly MailLogin Login = new("dave@new.test", "hunter2-secret");

    [Theory]
    [InlineData("[IN-USE] Mailbox is locked by another POP3 session.", true)]
    [InlineData("[INUSE] Mailbox in use", true)]
    [InlineData("[UNAVAILABLE] Temporary authentication failure.", true)]
    [InlineData("[SYS/TEMP] try again later", true)]
    [InlineData("  [in-use] lower case", true)]
    [InlineData("[AUTHENTICATIONFAILED] Authentication failed.", false)]
    [InlineData("[AUTH] Authentication failed.", false)]
    [InlineData("[SYS/PERM] account disabled", false)]
    [InlineData("Authentication failed. [IN-USE] is not a code here", false)]
    [InlineData("", false)]
    public void Given_a_refusal_text_When_checked_Then_only_the_busy_codes_count(string text, bool busy) =>
        Assert.Equal(busy, MailConnectionErrors.IsBusy(text));

    [Theory]
    [InlineData("A00000004 NO [UNAVAILABLE] Temporary authentication failure.", "[UNAVAILABLE] Temporary authentication failure.")]
    [InlineData("-ERR [IN-USE] locked", "[IN-USE] locked")]
    [InlineData("* BYE going away", "* BYE going away")]
    public void Given_a_server_line_When_its_text_is_taken_Then_tag_and_status_are_dropped(string line, string text) =>
        Assert.Equal(text, ServerReplyRecorder.WithoutTagAndStatus(line));

    [Fact]
    public void Given_a_MailKit_refusal_whose_reply_carried_UNAVAILABLE_When_mapped_Then_retryable_busy_naming_server_and_account()
    {
        var error = MailConnectionErrors.Login(Endpoint(143), Login, new AuthenticationException("Temporary authentication failure."), "[UNAVAILABLE] Temporary authentication failure.");

        var busy = Assert.IsType<StepFailedException>(error);
        Assert.True(busy.Retryable);
        Assert.Equal("new (127.0.0.1:143): account dave@new.test is busy ([UNAVAILABLE] Temporary authentication failure.): another session holds the mailbox or the server cannot serve it now; not a password problem, it will be retried", busy.Message);
    }

    [Fact]
    public void Given_a_MailKit_refusal_without_a_busy_code_When_mapped_Then_it_stays_an_authentication_failure()
    {
        var error = MailConnectionErrors.Login(Endpoint(143), Login, new AuthenticationException("Authentication failed."), "[AUTHENTICATIONFAILED] Authentication failed.");

        Assert.IsType<AuthenticationFailedException>(error);
    }

    [Theory]
    [InlineData("TAG NO [UNAVAILABLE] Temporary authentication failure.")]
    [InlineData("TAG NO [INUSE] Mailbox in use by another session")]
    public async Task Given_a_busy_login_reply_When_the_raw_connection_logs_in_Then_retryable_busy_not_77(string reply)
    {
        await using var server = new ScriptedImapServer("IMAP4rev1 AUTH=PLAIN SASL-IR", _ => []) { LoginReply = reply };

        var error = await Assert.ThrowsAsync<StepFailedException>(() => RawImapConnection.OpenAsync(Endpoint(server.Port), Login, CancellationToken.None));

        Assert.True(error.Retryable);
        Assert.Contains("account dave@new.test is busy", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-secret", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_MailKit_client_with_a_reply_recorder_When_its_login_gets_UNAVAILABLE_Then_retryable_busy_not_77()
    {
        await using var server = new ScriptedImapServer("IMAP4rev1 AUTH=PLAIN SASL-IR", _ => []) { LoginReply = "TAG NO [UNAVAILABLE] Temporary authentication failure." };
        using var client = new ImapClient(new ServerReplyRecorder());

        var error = await Assert.ThrowsAsync<StepFailedException>(() => MailServiceConnection.ConnectAsync(client, Endpoint(server.Port), Login, CancellationToken.None));

        Assert.True(error.Retryable);
        Assert.Contains("[UNAVAILABLE]", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-secret", error.ToString(), StringComparison.Ordinal);
    }

    private static MailEndpoint Endpoint(int port) => new("new", new Endpoint { Host = "127.0.0.1", Port = port, Security = TransportSecurity.None });
}
