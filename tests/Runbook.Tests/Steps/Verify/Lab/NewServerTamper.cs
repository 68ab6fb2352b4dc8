using System.Text;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using MimeKit;

namespace Runbook.Tests.Steps.Verify.Lab;

/// <summary>Changes the new server behind verify's back, as a fault or a person would: delete, flag, or replace a message by one with a byte changed.</summary>
internal sealed class NewServerTamper : IAsyncDisposable
{
    private readonly ImapClient _client = new();

    public static async Task<NewServerTamper> LoginAsync(int port, string user, string password)
    {
        var tamper = new NewServerTamper();
        await tamper._client.ConnectAsync("127.0.0.1", port, SecureSocketOptions.None);
        await tamper._client.AuthenticateAsync(user, password);
        return tamper;
    }

    public async Task DeleteAsync(string folder, string messageId)
    {
        var (open, uid) = await FindAsync(folder, messageId);
        await open.AddFlagsAsync(uid, MessageFlags.Deleted, silent: true);
        await open.ExpungeAsync([uid]);
    }

    public async Task FlagAsync(string folder, string messageId)
    {
        var (open, uid) = await FindAsync(folder, messageId);
        await open.AddFlagsAsync(uid, MessageFlags.Flagged, silent: true);
    }

    /// <summary>Replaces the message by its own bytes with one body byte changed, same flags and INTERNALDATE: only the content differs.</summary>
    public async Task AlterOneByteAsync(string folder, string messageId)
    {
        var (open, uid) = await FindAsync(folder, messageId);
        var summary = (await open.FetchAsync([uid], MessageSummaryItems.Flags | MessageSummaryItems.InternalDate))[0];
        using var stream = await open.GetStreamAsync(uid, "");
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        var bytes = copy.ToArray();
        var at = Encoding.ASCII.GetString(bytes).IndexOf("body of", StringComparison.Ordinal);
        Assert.True(at > 0, "the test message has a 'body of' line");
        bytes[at] = (byte)'B';
        await open.AddFlagsAsync(uid, MessageFlags.Deleted, silent: true);
        await open.ExpungeAsync([uid]);
        await open.AppendAsync(new AppendRequest(MimeMessage.Load(new MemoryStream(bytes)), summary.Flags ?? MessageFlags.None, summary.InternalDate!.Value));
    }

    public async ValueTask DisposeAsync()
    {
        await _client.DisconnectAsync(quit: true);
        _client.Dispose();
    }

    private async Task<(IMailFolder Folder, UniqueId Uid)> FindAsync(string folder, string messageId)
    {
        var open = folder == "INBOX" ? _client.Inbox : await _client.GetFolderAsync(folder);
        await open.OpenAsync(FolderAccess.ReadWrite);
        var found = await open.SearchAsync(SearchQuery.HeaderContains("Message-ID", messageId));
        return (open, Assert.Single(found));
    }
}
