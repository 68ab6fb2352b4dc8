using System.Security.Cryptography;
using Runbook.Adapters.Mail;
using Runbook.Adapters.Mail.Imap;
using Runbook.Tests.Lab;
using Runbook.Tests.Support;
using static Runbook.Tests.Adapters.Mail.MailLabMessages;

namespace Runbook.Tests.Adapters.Mail.Imap;

/// <summary>
/// A first copy into an empty mailbox on the real new Dovecot runs on one connection (listing with statuses, CREATE,
/// STATUS, the index, APPEND and the read-back), and what it reads back is what was sent; a second connection is
/// opened only for a read-back beside further appends, or to describe messages already there.
/// </summary>
[Collection("lab")]
[Trait("Category", "Lab")]
public sealed class OneConnectionLabTests(LabFixture fixture)
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly MailLab _lab = new(fixture.Lab);

    [Fact]
    public async Task Given_an_empty_account_When_a_folder_is_created_filled_and_read_back_Then_one_connection_serves_it_and_the_bytes_are_the_sent_ones()
    {
        await using var proxy = new FaultProxy(_lab.Port("new", "imap"));
        await using var destination = await ImapMailDestination.ConnectAsync(Through(proxy), _lab.NewLogin(), None);
        var sent = new[] { Crlf("first 日本語"), Crlf("second") };

        var folders = await destination.ListFoldersAsync(None);
        await destination.EnsureFolderAsync("Cartório/2024", None);
        var empty = await destination.GetStatusAsync("Cartório/2024", None);
        var before = await destination.IndexAsync("Cartório/2024", None);
        var appended = await destination.AppendAsync("Cartório/2024", [.. sent.Select(b => Item(b))], None);
        var uids = appended.Select(a => a.Uid!.Value).ToList();
        var stored = await destination.ReadStoredAsync("Cartório/2024", uids, uids.ToHashSet(), appendsFollow: false, None);
        var after = await destination.IndexAsync("Cartório/2024", None);
        var status = await destination.GetStatusAsync("Cartório/2024", None);

        Assert.Contains(folders, f => f.FullName == "INBOX");
        Assert.Equal(0, empty!.Messages);
        Assert.Empty(before!.Messages);
        Assert.Equal(sent.Select(b => (long)b.Length), stored.Select(s => s.Size));
        Assert.Equal(sent.Select(SHA256.HashData).Select(Convert.ToHexString), stored.Select(s => Convert.ToHexString(s.Sha256!)));
        Assert.Equal(sent, stored.Select(s => s.Bytes!));
        Assert.Equal(uids, after!.Messages.Select(m => m.Uid));
        Assert.Equal((empty.UidValidity, 2), (status!.UidValidity, status.Messages));
        Assert.Equal(1, proxy.Connections);
    }

    [Fact]
    public async Task Given_appends_follow_When_reading_back_Then_a_second_connection_reads_the_same_as_the_first_would()
    {
        await using var proxy = new FaultProxy(_lab.Port("new", "imap"));
        var login = _lab.NewLogin();
        await using var destination = await ImapMailDestination.ConnectAsync(Through(proxy), login, None);
        await destination.EnsureFolderAsync("Work", None);
        var appended = await destination.AppendAsync("Work", [Item(Crlf("one")), Item(Crlf("two"))], None);
        var uids = appended.Select(a => a.Uid!.Value).ToList();

        var alone = await destination.ReadStoredAsync("Work", uids, uids.ToHashSet(), appendsFollow: false, None);
        Assert.Equal(1, proxy.Connections);
        var beside = await destination.ReadStoredAsync("Work", uids, uids.ToHashSet(), appendsFollow: true, None);

        Assert.Equal(2, proxy.Connections);
        Assert.Equal(alone.Select(s => (s.Uid, s.Size, Convert.ToHexString(s.Sha256!))), beside.Select(s => (s.Uid, s.Size, Convert.ToHexString(s.Sha256!))));
    }

    private MailEndpoint Through(FaultProxy proxy) => _lab.New("imap") with { Endpoint = _lab.New("imap").Endpoint with { Port = proxy.Port } };
}
