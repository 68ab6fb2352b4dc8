using MailKit;
using MailKit.Net.Imap;
using Runbook.Adapters.Mail;
using Runbook.Adapters.Mail.Connection;
using Runbook.Errors;
using Runbook.Plan.Model;

namespace Runbook.Tests.Adapters.Mail.Connection;

public sealed class MailOperationTests
{
    private static readonly MailEndpoint Old = new("old", new Endpoint { Host = "mail.old.test", Port = 993 });

    public static TheoryData<Exception, bool> Failures => new()
    {
        { new IOException("reset"), true },
        { new ImapProtocolException("garbage"), true },
        { new ServiceNotConnectedException(), true },
        { new MessageNotFoundException("gone"), true },
        { new ImapCommandException(ImapCommandResponse.No, "[UNAVAILABLE] try later"), true },
        { new ImapCommandException(ImapCommandResponse.No, "Mailbox does not exist"), false },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task Given_a_mailkit_failure_When_run_Then_a_step_failure_naming_the_server_with_the_right_retryability(Exception failure, bool retryable)
    {
        var error = await Assert.ThrowsAsync<StepFailedException>(() => MailOperation.RunAsync(Old, "listing folders", () => Task.FromException(failure)));

        Assert.Equal(retryable, error.Retryable);
        Assert.Contains("old (mail.old.test:993)", error.Message, StringComparison.Ordinal);
        Assert.Contains("listing folders", error.Message, StringComparison.Ordinal);
    }
}
