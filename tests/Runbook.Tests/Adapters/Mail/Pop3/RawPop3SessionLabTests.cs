using Runbook.Adapters.Mail.Pop3;
using Runbook.Errors;
using Runbook.Tests.Lab;
using static Runbook.Tests.Adapters.Mail.MailLabMessages;

namespace Runbook.Tests.Adapters.Mail.Pop3;

/// <summary>The raw POP3 session against the lab's old Dovecot (PIPELINING, TOP, UIDL, pop3_lock_session = yes).</summary>
[Collection("lab")]
[Trait("Category", "Lab")]
public sealed class RawPop3SessionLabTests(LabFixture fixture)
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly MailLab _lab = new(fixture.Lab);

    [Fact]
    public async Task Given_a_pop3_session_holding_the_mailbox_When_a_second_source_connects_Then_it_gets_a_retryable_busy_failure_and_connects_once_the_first_quits()
    {
        var login = _lab.NewLogin();
        await SeedAsync(_lab.Old("imap"), login, "INBOX", [Item(Crlf("held", "held@x"))]);
        var first = await RawPop3Session.OpenAsync(_lab.Old("pop3"), login, None);

        Exception? refused;
        try
        {
            refused = await Record.ExceptionAsync(() => Pop3MailSource.ConnectAsync(_lab.Old("pop3"), login, None));
        }
        finally
        {
            await first.DisposeAsync(); // QUIT: Dovecot releases the mailbox lock
        }

        await using var again = await Pop3MailSource.ConnectAsync(_lab.Old("pop3"), login, None);
        var busy = Assert.IsType<StepFailedException>(refused);
        Assert.True(busy.Retryable);
        Assert.Contains($"account {login.User} is busy ([IN-USE]", busy.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(login.Password, busy.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, (await again.GetStatusAsync("INBOX", None)).Count);
    }

    [Fact]
    public async Task Given_dovecot_offering_PIPELINING_When_headers_are_read_in_bursts_Then_each_block_equals_TOP_one_by_one_and_UIDL_lists_every_message()
    {
        var login = _lab.NewLogin();
        var items = Enumerable.Range(1, 60).Select(i => Item(Crlf($"message {i}", $"m{i}@x"))).Append(Item(DotLines)).Append(Item(NoFinalNewline)).ToList();
        await SeedAsync(_lab.Old("imap"), login, "INBOX", items);
        await using var session = await RawPop3Session.OpenAsync(_lab.Old("pop3"), login, None);
        var listing = (await session.ListingAsync("LIST", None)).Select(l => (l.Number, long.Parse(l.Value, System.Globalization.CultureInfo.InvariantCulture))).ToList();

        var burst = new Dictionary<int, MemoryStream>();
        await session.ReadHeadersAsync(listing, n => burst[n] = new MemoryStream(), None);
        var uidls = await session.UidlAsync(None);
        var single = new Dictionary<int, byte[]>();
        foreach (var (number, _) in listing)
        {
            using var head = new MemoryStream();
            await session.CopyAsync($"TOP {number} 0", null, head, None);
            single[number] = head.ToArray();
        }

        Assert.True(session.Has("PIPELINING"));
        Assert.Equal(62, listing.Count);
        Assert.Equal(listing.Select(l => l.Number), burst.Keys);
        Assert.All(burst, b => Assert.Equal(single[b.Key], b.Value.ToArray()));
        Assert.Contains(burst.Values, b => System.Text.Encoding.ASCII.GetString(b.ToArray()).Contains("Message-ID: <m60@x>", StringComparison.Ordinal));
        Assert.Equal(62, uidls.Select(u => u.Value).Distinct().Count());
    }
}
