using MailKit;
using MailKit.Net.Imap;
using Runbook.Adapters.Mail;
using Runbook.Adapters.Mail.Imap;
using static Runbook.Tests.Adapters.Mail.MailLabMessages;

using Runbook.Tests.Lab;
using Runbook.Tests.Support;

namespace Runbook.Tests.Adapters.Mail;

[Collection("lab")]
[Trait("Category", "Lab")]
public sealed class ImapLabTests(LabFixture fixture)
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly MailLab _lab = new(fixture.Lab);

    [Fact]
    public async Task Given_the_old_courier_style_server_When_listing_Then_INBOX_prefix_and_dot_separator()
    {
        var login = _lab.NewLogin();
        await SeedAsync(_lab.Old("imap"), login, "Sent", [Item(Crlf("s"))]);
        await SeedAsync(_lab.Old("imap"), login, "Cartório/2024", [Item(Crlf("c"))]);

        await using var source = await ImapMailSource.ConnectAsync(_lab.Old("imap"), login, None);
        var ns = await source.GetNamespaceAsync(None);
        var folders = await source.ListFoldersAsync(None);

        Assert.Equal(new MailNamespace("INBOX", '.'), ns);
        Assert.Contains(folders, f => f.FullName == "INBOX" && f.Selectable);
        Assert.Contains(folders, f => f.FullName == "INBOX.Sent" && f.Separator == '.');
        Assert.Contains(folders, f => f.FullName == "INBOX.Cartório.2024");
        Assert.DoesNotContain(folders, f => f.FullName.Contains('&', StringComparison.Ordinal));
    }

    [Fact]
    public async Task Given_the_new_server_When_listing_Then_slash_separator_and_special_use()
    {
        await using var destination = await ImapMailDestination.ConnectAsync(_lab.New("imap"), _lab.NewLogin(), None);

        var ns = await destination.GetNamespaceAsync(None);
        var folders = await destination.ListFoldersAsync(None);

        Assert.Equal(new MailNamespace("", '/'), ns);
        Assert.Contains(folders, f => f.FullName == "Sent" && f.SpecialUse == "Sent" && f.Separator == '/');
        Assert.Contains(folders, f => f.FullName == "Junk" && f.SpecialUse == "Junk");
        Assert.True(destination.Capabilities.UidPlus);
        Assert.True(destination.Capabilities.MultiAppend);
    }

    [Fact]
    public async Task Given_the_new_servers_quota_When_read_Then_limit_and_usage_are_in_bytes()
    {
        var login = _lab.NewLogin();
        await SeedAsync(_lab.New("imap"), login, "INBOX", [Item(Crlf("counted"))]);
        await using var destination = await ImapMailDestination.ConnectAsync(_lab.New("imap"), login, None);

        var quota = await destination.GetQuotaAsync(None);

        Assert.NotNull(quota);
        Assert.Equal(10L * 1024 * 1024 * 1024, quota.StorageLimitBytes);
        Assert.Null(quota.MessageLimit);
        Assert.InRange(quota.StorageUsedBytes, 1, 4096);
    }

    [Fact]
    public async Task Given_japanese_and_accented_paths_When_ensured_twice_Then_created_once_with_parents_and_encoded_on_the_wire()
    {
        var login = _lab.NewLogin();
        await using (var destination = await ImapMailDestination.ConnectAsync(_lab.New("imap"), login, None))
        {
            await destination.EnsureFolderAsync("送信済みアイテム/下書き", None);
            await destination.EnsureFolderAsync("送信済みアイテム/下書き", None);
            await destination.EnsureFolderAsync("Cartório", None);
            var names = (await destination.ListFoldersAsync(None)).Select(f => f.FullName).ToList();

            Assert.Contains("送信済みアイテム", names);
            Assert.Contains("送信済みアイテム/下書き", names);
            Assert.Contains("Cartório", names);
            Assert.DoesNotContain(names, n => n.Contains('&', StringComparison.Ordinal));
        }
        Assert.Contains("送信済みアイテム/下書き", await SubscribedAsync(login));
        var maildir = Directory.GetDirectories(_lab.NewMaildir(login), "*", SearchOption.AllDirectories).Select(Path.GetFileName).ToList();
        // Dovecot keeps mUTF-7 on disk: the folder named "Cartório" is stored as Cart&APM-rio, exactly once.
        Assert.Single(maildir, d => d == "Cart&APM-rio");
        Assert.DoesNotContain(maildir, d => d!.Contains("&-", StringComparison.Ordinal) || d.Contains("&APM-rio-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Given_folders_listed_When_one_is_ensured_after_another_client_made_it_and_one_is_new_Then_each_exists_once_and_the_new_one_is_subscribed()
    {
        var login = _lab.NewLogin();
        await using var destination = await ImapMailDestination.ConnectAsync(_lab.New("imap"), login, None);
        await destination.ListFoldersAsync(None);
        await SeedAsync(_lab.New("imap"), login, "Late/Child", [Item(Crlf("made by someone else after the listing"))]);

        await destination.EnsureFolderAsync("Late/Child", None);
        await destination.EnsureFolderAsync("Fresh/Child", None);

        var names = (await destination.ListFoldersAsync(None)).Select(f => f.FullName).ToList();
        Assert.Single(names, n => n == "Late/Child");
        Assert.Single(names, n => n == "Fresh/Child");
        Assert.Contains("Fresh/Child", await SubscribedAsync(login));
        Assert.Single(await destination.ListMessagesAsync("Late/Child", None));
    }

    [Fact]
    public async Task Given_awkward_messages_When_copied_old_to_new_Then_bytes_flags_keywords_and_dates_survive()
    {
        var login = _lab.NewLogin();
        var date = new DateTimeOffset(2023, 7, 1, 12, 30, 45, TimeSpan.Zero);
        byte[][] contents = [NoFinalNewline, BareLf, LeadingFrom, Bom, DotLines, Crlf("no message id")];
        await SeedAsync(_lab.Old("imap"), login, "Work", [.. contents.Select((c, i) => Item(c, ["Seen", "Flagged"], [$"$Label{i}", "NonJunk"], date.AddDays(i)))]);

        var stored = await CopyFolderAsync(login, "INBOX.Work", "Work");

        Assert.Equal(contents.Length, stored.Count);
        var oldBodies = await BodiesAsync(_lab.Old("imap"), login, "INBOX.Work");
        var newBodies = await BodiesAsync(_lab.New("imap"), login, "Work");
        Assert.Equal(oldBodies.Values.Select(Sha).Order(), newBodies.Values.Select(Sha).Order());
        await using var old = await ImapMailSource.ConnectAsync(_lab.Old("imap"), login, None);
        await using var @new = await ImapMailSource.ConnectAsync(_lab.New("imap"), login, None);
        var before = await old.ListMessagesAsync("INBOX.Work", 0, None);
        var after = await @new.ListMessagesAsync("Work", 0, None);
        Assert.Equal(Describe(before), Describe(after));
    }

    [Fact]
    public async Task Given_small_and_large_messages_When_copied_many_at_once_Then_each_gets_exactly_its_own_bytes()
    {
        var login = _lab.NewLogin();
        byte[] large = [.. Crlf("large", "large@x"), .. Enumerable.Repeat((byte)'z', 1_500_000)];
        byte[][] contents = [NoFinalNewline, large, Bom, DotLines, Crlf("plain")];
        await SeedAsync(_lab.Old("imap"), login, "INBOX", [.. contents.Select(c => Item(c))]);
        await using var source = await ImapMailSource.ConnectAsync(_lab.Old("imap"), login, None);
        var messages = await source.ListMessagesAsync("INBOX", 0, None);
        var copies = messages.ToDictionary(m => m.Uid, _ => new MemoryStream());

        await ((IMailSource)source).CopyRawManyAsync("INBOX", messages, m => new KeepOpen(copies[m.Uid]), None);

        var singles = await BodiesAsync(_lab.Old("imap"), login, "INBOX");
        Assert.Equal(singles.OrderBy(p => p.Key).Select(p => Sha(p.Value)), copies.OrderBy(p => p.Key).Select(p => Sha(p.Value.ToArray())));
        Assert.Contains(Sha(large), copies.Values.Select(c => Sha(c.ToArray())));
    }

    [Fact]
    public async Task Given_a_message_with_bare_LF_When_stored_on_dovecot_Then_BODY_is_served_with_CRLF()
    {
        // Documents Dovecot 2.3's behaviour: it stores what it is given but FETCH BODY[] normalises bare LF to CRLF
        // (and RFC822.SIZE counts CRLF). Byte-exactness therefore means "BODY[] on new equals BODY[] on old".
        var login = _lab.NewLogin();
        await SeedAsync(_lab.Old("imap"), login, "INBOX", [Item(BareLf)]);

        var served = Assert.Single(await BodiesAsync(_lab.Old("imap"), login, "INBOX")).Value;

        Assert.Equal(BareLf.Length + BareLf.Count(b => b == '\n'), served.Length);
        Assert.Equal(System.Text.Encoding.ASCII.GetString(BareLf).Replace("\n", "\r\n", StringComparison.Ordinal), System.Text.Encoding.ASCII.GetString(served));
    }

    [Fact]
    public async Task Given_messages_on_the_source_When_listed_and_read_Then_the_source_is_unchanged()
    {
        var login = _lab.NewLogin();
        await SeedAsync(_lab.Old("imap"), login, "INBOX", [Item(Crlf("unread")), Item(Crlf("flagged"), ["Flagged"], ["$Work"])]);
        var before = await SnapshotAsync(login);

        await using (var source = await ImapMailSource.ConnectAsync(_lab.Old("imap"), login, None))
        {
            var messages = await source.ListMessagesAsync("INBOX", 0, None);
            foreach (var message in messages)
            {
                await source.CopyRawAsync("INBOX", message, Stream.Null, None);
            }
            await source.CopyRawManyAsync("INBOX", messages, _ => Stream.Null, None);
            await source.GetStatusAsync("INBOX", None);
        }

        Assert.Equal(before, await SnapshotAsync(login));
        Assert.DoesNotContain("Seen", before, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_server_with_STATUS_SIZE_When_a_folders_status_is_read_Then_its_bytes_are_the_sum_of_its_messages_sizes()
    {
        var login = _lab.NewLogin();
        await SeedAsync(_lab.Old("imap"), login, "INBOX", [Item(Crlf("one")), Item(Crlf("two, a little longer")), Item(Crlf(new string('x', 5000)))]);

        await using var source = await ImapMailSource.ConnectAsync(_lab.Old("imap"), login, None);
        var status = await source.GetStatusAsync("INBOX", None);
        var messages = await source.ListMessagesAsync("INBOX", 0, None);

        Assert.Equal(3, status.Count);
        Assert.Equal(messages.Sum(m => m.Size), status.Bytes);
        Assert.Equal((await source.IndexAsync("INBOX", None)).UidValidity, status.UidValidity);
    }

    [Fact]
    public async Task Given_more_messages_than_one_header_fetch_holds_When_described_Then_each_comes_once_in_uid_order()
    {
        var login = _lab.NewLogin();
        var count = ImapSourceMapping.DescribeChunk * 2 + 3;
        await SeedAsync(_lab.Old("imap"), login, "INBOX", [.. Enumerable.Range(0, count).Select(i => Item(Crlf($"m{i}", $"id-{i}@x")))]);

        await using var source = await ImapMailSource.ConnectAsync(_lab.Old("imap"), login, None);
        var index = await source.IndexAsync("INBOX", None);
        var reversed = index.Messages.Reverse().ToList();
        var described = await source.DescribeAsync("INBOX", reversed, None);

        Assert.Equal(index.Messages.Select(m => m.Uid), described.Select(m => m.Uid));
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"id-{i}@x"), described.Select(m => m.MessageId));
    }

    [Fact]
    public async Task Given_identical_copies_When_listed_on_both_sides_Then_identities_agree()
    {
        var login = _lab.NewLogin();
        await SeedAsync(_lab.Old("imap"), login, "INBOX", [Item(Crlf("with id", "id-1@x")), Item(Crlf("without id"))]);
        await CopyFolderAsync(login, "INBOX", "INBOX");

        await using var source = await ImapMailSource.ConnectAsync(_lab.Old("imap"), login, None);
        await using var destination = await ImapMailDestination.ConnectAsync(_lab.New("imap"), login, None);
        var sourceIds = (await source.ListMessagesAsync("INBOX", 0, None)).Select(m => (m.MessageId, m.HeaderDigest, m.Size));
        var destinationIds = (await destination.ListMessagesAsync("INBOX", None)).Select(m => (m.MessageId, m.HeaderDigest, m.Size));

        Assert.Equal(sourceIds.Order(), destinationIds.Order());
        Assert.Contains(sourceIds, i => i.MessageId == "id-1@x");
        Assert.Contains(sourceIds, i => i.MessageId is null);
    }

    private async Task<IReadOnlyList<AppendResult>> CopyFolderAsync(MailLogin login, string sourceFolder, string destinationPath)
    {
        await using var source = await ImapMailSource.ConnectAsync(_lab.Old("imap"), login, None);
        await using var destination = await ImapMailDestination.ConnectAsync(_lab.New("imap"), login, None);
        await destination.EnsureFolderAsync(destinationPath, None);
        var items = new List<AppendItem>();
        foreach (var message in await source.ListMessagesAsync(sourceFolder, 0, None))
        {
            using var bytes = new MemoryStream();
            await source.CopyRawAsync(sourceFolder, message, bytes, None);
            items.Add(Item(bytes.ToArray(), [.. message.Flags], [.. message.Keywords], message.InternalDate) with { Source = message });
        }
        var results = await destination.AppendAsync(destinationPath, items, None);
        Assert.All(results, r => Assert.Equal(AppendStatus.Stored, r.Status));
        Assert.All(results, r => Assert.Empty(r.DroppedKeywords));
        return results;
    }

    private static IEnumerable<string> Describe(IEnumerable<SourceMessage> messages) => messages
        .Select(m => $"{m.HeaderDigest} {m.Size} {string.Join(',', m.Flags)} {string.Join(',', m.Keywords)} {m.InternalDate?.UtcDateTime:O}")
        .Order(StringComparer.Ordinal);

    private async Task<string> SnapshotAsync(MailLogin login)
    {
        using var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", _lab.Port("old", "imap"), MailKit.Security.SecureSocketOptions.None);
        await client.AuthenticateAsync(login.User, login.Password);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var summaries = await client.Inbox.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.Flags);
        var count = client.Inbox.Count;
        await client.DisconnectAsync(true);
        return $"{count}: " + string.Join("; ", summaries.Select(s => $"{s.UniqueId} {s.Flags} {string.Join(',', s.Keywords)}"));
    }

    private async Task<IReadOnlyList<string>> SubscribedAsync(MailLogin login)
    {
        using var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", _lab.Port("new", "imap"), MailKit.Security.SecureSocketOptions.None);
        await client.AuthenticateAsync(login.User, login.Password);
        var folders = await client.GetFoldersAsync(client.PersonalNamespaces[0], StatusItems.None, subscribedOnly: true);
        await client.DisconnectAsync(true);
        return folders.Select(f => f.FullName).ToList();
    }
}
