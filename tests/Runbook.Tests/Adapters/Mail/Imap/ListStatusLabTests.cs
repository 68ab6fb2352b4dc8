using MailKit;
using MailKit.Net.Imap;
using Runbook.Adapters.Mail;
using Runbook.Adapters.Mail.Imap;
using Runbook.Tests.Lab;
using static Runbook.Tests.Adapters.Mail.MailLabMessages;

namespace Runbook.Tests.Adapters.Mail.Imap;

/// <summary>
/// The statuses a folder listing brings (LIST-STATUS) are the ones STATUS gives, on the real servers, so a pass that
/// takes them instead of asking each folder decides exactly as before; and a destination folder written to is asked again.
/// </summary>
[Collection("lab")]
[Trait("Category", "Lab")]
public sealed class ListStatusLabTests(LabFixture fixture)
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly MailLab _lab = new(fixture.Lab);

    [Theory]
    [InlineData("new")]
    [InlineData("old")]
    public async Task Given_a_dovecot_account_When_the_source_lists_Then_each_listed_status_is_the_folders_STATUS(string server)
    {
        var endpoint = server == "new" ? _lab.New("imap") : _lab.Old("imap");
        var login = await SeedAsync(endpoint, _lab.NewLogin());
        Assert.True(await OffersListStatusAsync(endpoint, login), "this lab's Dovecot offers LIST-STATUS");

        await AssertListedIsStatusAsync(endpoint, login);
    }

    [Fact]
    public async Task Given_a_cyrus_account_When_the_source_lists_Then_each_listed_status_is_the_folders_STATUS()
    {
        var cyrus = new CyrusLab(fixture.Lab);
        var login = await SeedAsync(cyrus.Imap, await cyrus.NewLoginAsync(LabClients.Timeout()));
        Assert.True(await OffersListStatusAsync(cyrus.Imap, login), "this lab's Cyrus offers LIST-STATUS");

        await AssertListedIsStatusAsync(cyrus.Imap, login);
    }

    [Fact]
    public async Task Given_the_new_dovecot_When_the_destination_appends_to_a_listed_folder_Then_its_status_counts_the_new_message()
    {
        var endpoint = _lab.New("imap");
        var login = await SeedAsync(endpoint, _lab.NewLogin());
        await using var destination = await ImapMailDestination.ConnectAsync(endpoint, login, None);
        var folders = await destination.ListFoldersAsync(None);
        foreach (var folder in folders.Where(f => f.Selectable))
        {
            Assert.Equal(await destination.GetStatusAsync(folder.FullName, None), await destination.GetStatusAsync(folder.FullName, None));
        }

        await using var fresh = await ImapMailDestination.ConnectAsync(endpoint, login, None);
        await fresh.ListFoldersAsync(None);
        var before = await fresh.GetStatusAsync("Cartório/2024", None);
        await fresh.AppendAsync("Cartório/2024", [Item(Crlf("arrives"))], None);
        var after = await fresh.GetStatusAsync("Cartório/2024", None);

        Assert.Equal((before!.UidValidity, before.Messages + 1, before.UidNext + 1), (after!.UidValidity, after.Messages, after.UidNext));
    }

    [Theory]
    [InlineData("new")]
    [InlineData("old")]
    public async Task Given_a_dovecot_account_When_preflight_lists_with_sizes_Then_each_listed_size_is_the_folders_STATUS_SIZE(string server)
    {
        var endpoint = server == "new" ? _lab.New("imap") : _lab.Old("imap");
        var login = await SeedAsync(endpoint, _lab.NewLogin());
        await using var listing = await ImapMailSource.ConnectAsync(endpoint, login, None);
        await using var asking = await ImapMailSource.ConnectAsync(endpoint, login, None);

        var folders = (await listing.ListFoldersWithSizesAsync(None)).Where(f => f.Selectable).ToList();
        await asking.ListFoldersAsync(None);

        Assert.True(folders.Count >= 4, $"only {folders.Count} folders listed");
        foreach (var folder in folders)
        {
            Assert.Equal(await asking.GetStatusAsync(folder.FullName, None), await listing.GetStatusAsync(folder.FullName, None));
        }
        Assert.Contains(folders, f => f.FullName.EndsWith("2024", StringComparison.Ordinal));
    }

    private static async Task AssertListedIsStatusAsync(MailEndpoint endpoint, MailLogin login)
    {
        await using var source = await ImapMailSource.ConnectAsync(endpoint, login, None);
        var folders = (await source.ListFoldersAsync(None)).Where(f => f.Selectable).ToList();
        Assert.True(folders.Count >= 4, $"only {folders.Count} folders listed");
        foreach (var folder in folders)
        {
            var listed = await source.GetFolderStatusAsync(folder.FullName, None);
            var asked = await source.GetFolderStatusAsync(folder.FullName, None);
            Assert.Equal(asked, listed);
        }
    }

    private static async Task<MailLogin> SeedAsync(MailEndpoint endpoint, MailLogin login)
    {
        foreach (var (folder, count) in new[] { ("INBOX", 3), ("Cartório/2024", 2), ("日本語/メール", 1), ("Sent", 2) })
        {
            await MailLabMessages.SeedAsync(endpoint, login, folder, [.. Enumerable.Range(0, count).Select(i => Item(Crlf($"{folder} {i}")))]);
        }
        return login;
    }

    private static async Task<bool> OffersListStatusAsync(MailEndpoint endpoint, MailLogin login)
    {
        using var client = new ImapClient();
        await client.ConnectAsync(endpoint.Endpoint.Host, endpoint.Endpoint.Port, MailKit.Security.SecureSocketOptions.None, None);
        await client.AuthenticateAsync(login.User, login.Password, None);
        var offered = client.Capabilities.HasFlag(ImapCapabilities.ListStatus);
        await client.DisconnectAsync(true, None);
        return offered;
    }
}
