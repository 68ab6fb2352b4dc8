using MailKit;
using MailKit.Net.Imap;
using Runbook.Lab.Corpus;

namespace Runbook.Tests.Lab;

[Collection("lab")]
public sealed class MailServerTests(LabFixture fixture)
{
    [Fact]
    public async Task Given_old_server_When_listing_folders_Then_it_is_Courier_style_with_INBOX_dot_prefix()
    {
        var lab = fixture.Lab;
        var token = LabClients.Timeout();
        using var client = await LabClients.ImapAsync(lab.Old.Imap, lab.NewAccount(), lab.Password, token);
        await client.Inbox!.CreateAsync("Sent", true, token);

        var personal = client.PersonalNamespaces.Single();
        var folders = await client.GetFoldersAsync(personal, cancellationToken: token);

        Assert.Equal('.', personal.DirectorySeparator);
        Assert.Equal("INBOX", personal.Path);
        Assert.Contains(folders, f => f.FullName == "INBOX.Sent");
        Assert.False(client.Capabilities.HasFlag(ImapCapabilities.SpecialUse));
        Assert.All(folders, f => Assert.Equal(FolderAttributes.None, f.Attributes & FolderAttributes.Sent));
    }

    [Fact]
    public async Task Given_new_server_When_listing_folders_Then_slash_separator_no_prefix_and_special_use()
    {
        var lab = fixture.Lab;
        var token = LabClients.Timeout();
        using var client = await LabClients.ImapAsync(lab.New.Imap, lab.NewAccount(), lab.Password, token);
        var personal = client.PersonalNamespaces.Single();
        var root = await client.GetFolderAsync(personal.Path, token);
        await (await root.CreateAsync("取引先", true, token))!.CreateAsync("2024", true, token);

        var folders = await client.GetFoldersAsync(personal, cancellationToken: token);

        Assert.Equal('/', personal.DirectorySeparator);
        Assert.Equal("", personal.Path);
        Assert.Contains(folders, f => f.FullName == "取引先/2024");
        Assert.Equal("Sent", client.GetFolder(SpecialFolder.Sent)?.FullName);
        Assert.Equal("Drafts", client.GetFolder(SpecialFolder.Drafts)?.FullName);
        Assert.Equal("Trash", client.GetFolder(SpecialFolder.Trash)?.FullName);
        Assert.Equal("Junk", client.GetFolder(SpecialFolder.Junk)?.FullName);
    }

    [Fact]
    public async Task Given_old_account_with_inbox_mail_When_listing_over_POP3_Then_UIDLs_are_unique_stable_and_sizes_match()
    {
        var lab = fixture.Lab;
        var token = LabClients.Timeout();
        var account = lab.NewAccount("pop");
        var manifest = await new CorpusSeeder(lab).SeedAsync(account, new CorpusOptions(CorpusProfile.Small, 7, InboxOnly: true), token);

        using var first = await LabClients.Pop3Async(lab.Old.Pop3, account, lab.Password, token);
        var uidls = await first.GetMessageUidsAsync(token);
        var sizes = await first.GetMessageSizesAsync(token);
        await first.DisconnectAsync(true, token);
        using var second = await LabClients.Pop3Async(lab.Old.Pop3, account, lab.Password, token);
        var again = await second.GetMessageUidsAsync(token);

        var inbox = manifest.Folders.Single();
        Assert.Equal(inbox.Count, uidls.Count);
        Assert.Equal(uidls.Count, uidls.Distinct().Count());
        Assert.Equal(uidls, again);
        Assert.Equal(inbox.Messages.Select(m => (int)m.Size).Order(), sizes.Order());
    }
}
