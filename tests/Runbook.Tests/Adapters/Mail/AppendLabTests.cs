using Runbook.Adapters.Mail;
using Runbook.Adapters.Mail.Imap;
using Runbook.Errors;
using Runbook.Tests.Support;
using static Runbook.Tests.Adapters.Mail.MailLabMessages;

using Runbook.Tests.Lab;

namespace Runbook.Tests.Adapters.Mail;

[Collection("lab")]
[Trait("Category", "Lab")]
public sealed class AppendLabTests(LabFixture fixture)
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly MailLab _lab = new(fixture.Lab);

    [Fact]
    public async Task Given_a_connection_cut_mid_append_When_appending_Then_retryable_no_partial_message_and_the_retry_stores_it_once()
    {
        var login = _lab.NewLogin();
        await using var proxy = new FaultProxy(_lab.Port("new", "imap"));
        var viaProxy = _lab.New("imap") with { Endpoint = _lab.New("imap").Endpoint with { Port = proxy.Port } };
        var big = Crlf("big") is var head ? [.. head, .. Enumerable.Repeat((byte)'x', 2_000_000)] : Array.Empty<byte>();
        await using var destination = await ImapMailDestination.ConnectAsync(viaProxy, login, None);
        await destination.EnsureFolderAsync("Work", None);

        proxy.CutClientAfter(1_000_000);
        var error = await Assert.ThrowsAsync<StepFailedException>(() => destination.AppendAsync("Work", [Item(big)], None));
        var afterCut = await CountAsync(login, "Work");
        proxy.Heal();
        var retried = await destination.AppendAsync("Work", [Item(big)], None);

        Assert.True(error.Retryable);
        Assert.Equal(1, proxy.Cuts);
        Assert.Equal(0, afterCut);
        Assert.Equal(AppendStatus.Stored, Assert.Single(retried).Status);
        Assert.Equal(1, await CountAsync(login, "Work"));
    }

    [Fact]
    public async Task Given_a_destination_size_limit_When_a_batch_holds_one_oversized_message_Then_it_is_rejected_with_the_reason_and_the_rest_stored()
    {
        var login = _lab.NewLogin("small-");
        byte[] oversized = [.. Crlf("too big"), .. Enumerable.Repeat((byte)'y', 2 * 1024 * 1024)];
        await using var destination = await ImapMailDestination.ConnectAsync(_lab.New("imap"), login, None);

        var results = await destination.AppendAsync("INBOX", [Item(Crlf("fits")), Item(oversized), Item(Crlf("fits too"))], None);

        Assert.Equal([AppendStatus.Stored, AppendStatus.Rejected, AppendStatus.Stored], results.Select(r => r.Status));
        Assert.Contains("LIMIT", results[1].Reason, StringComparison.Ordinal);
        Assert.Equal(2, await CountAsync(login, "INBOX"));
    }

    private async Task<int> CountAsync(MailLogin login, string path)
    {
        await using var destination = await ImapMailDestination.ConnectAsync(_lab.New("imap"), login, None);
        return (await destination.ListMessagesAsync(path, None)).Count;
    }
}
