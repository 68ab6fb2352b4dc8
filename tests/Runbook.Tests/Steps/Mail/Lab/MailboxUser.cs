using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;

namespace Runbook.Tests.Steps.Mail.Lab;

/// <summary>What a person does in a mail client on the new server after the move: delete, move, flag, recreate folders.</summary>
internal sealed class MailboxUser : IAsyncDisposable
{
    private readonly ImapClient _client = new();

    public static async Task<MailboxUser> LoginAsync(int port, string user, string password)
    {
        var mailbox = new MailboxUser();
        await mailbox._client.ConnectAsync("127.0.0.1", port, SecureSocketOptions.None);
        await mailbox._client.AuthenticateAsync(user, password);
        return mailbox;
    }

    /// <summary>Deletes the message with this Message-ID from the folder (\Deleted, then EXPUNGE).</summary>
    public async Task DeleteAsync(string folder, string messageId)
    {
        var open = await OpenAsync(folder);
        await open.AddFlagsAsync(await FindAsync(open, messageId), MessageFlags.Deleted, silent: true);
        await open.ExpungeAsync();
    }

    public async Task MoveAsync(string folder, string messageId, string to)
    {
        var open = await OpenAsync(folder);
        await open.MoveToAsync(await FindAsync(open, messageId), await _client.GetFolderAsync(to));
    }

    public async Task FlagAsync(string folder, string messageId)
    {
        var open = await OpenAsync(folder);
        await open.AddFlagsAsync(await FindAsync(open, messageId), MessageFlags.Flagged, silent: true);
    }

    /// <summary>Deletes the folder with everything in it and creates it again, empty (a new UIDVALIDITY).</summary>
    public async Task RecreateAsync(string folder)
    {
        var existing = await _client.GetFolderAsync(folder);
        await existing.DeleteAsync();
        var parent = existing.ParentFolder ?? _client.GetFolder(_client.PersonalNamespaces[0]);
        await parent.CreateAsync(existing.Name, isMessageFolder: true);
    }

    public async Task CreateAsync(string folder) =>
        await _client.GetFolder(_client.PersonalNamespaces[0]).CreateAsync(folder, isMessageFolder: true);

    public async Task<uint> UidValidityAsync(string folder) => (await OpenAsync(folder, FolderAccess.ReadOnly)).UidValidity;

    public async ValueTask DisposeAsync()
    {
        await _client.DisconnectAsync(quit: true);
        _client.Dispose();
    }

    private async Task<IMailFolder> OpenAsync(string folder, FolderAccess access = FolderAccess.ReadWrite)
    {
        var open = folder == "INBOX" ? _client.Inbox : await _client.GetFolderAsync(folder);
        await open.OpenAsync(access);
        return open;
    }

    private static async Task<IList<UniqueId>> FindAsync(IMailFolder folder, string messageId)
    {
        var found = await folder.SearchAsync(SearchQuery.HeaderContains("Message-ID", messageId));
        Assert.Single(found);
        return found;
    }
}
