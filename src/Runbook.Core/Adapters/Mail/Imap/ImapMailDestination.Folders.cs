using MailKit;
using MailKit.Net.Imap;
using Runbook.Adapters.Mail.Connection;

namespace Runbook.Adapters.Mail.Imap;

/// <summary>Finding, creating and opening the new server's folders.</summary>
internal sealed partial class ImapMailDestination
{
    public Task EnsureFolderAsync(string path, CancellationToken cancellationToken) =>
        MailOperation.RunAsync(_endpoint, $"creating folder {path}", async () =>
        {
            _fresh = false;
            var ns = ImapNamespaces.Personal(_client);
            IMailFolder parent = (_client.PersonalNamespaces.Count > 0 ? _client.GetFolder(_client.PersonalNamespaces[0]) : null) ?? _client.Inbox;
            foreach (var name in ImapFolderPath.WithParents(path, ns))
            {
                var leaf = name[(name.LastIndexOf(ns.Separator) + 1)..];
                _listedStatus.Remove(name);
                // A name the listing did not have is created at once: the lookup (a LIST) is only needed if that is refused.
                var created = _listed is not null && !_listed.Contains(name) ? await TryCreateAsync(parent, leaf, cancellationToken) : null;
                parent = created ?? await FindAsync(name, cancellationToken) ?? await CreateAsync(parent, leaf, cancellationToken);
                _listed?.Add(name);
            }
        });

    private static async Task<IMailFolder> CreateAsync(IMailFolder parent, string name, CancellationToken cancellationToken)
    {
        // MailKit encodes the name in modified UTF-7 itself; we pass the decoded segment.
        var created = await parent.CreateAsync(name, isMessageFolder: true, cancellationToken) ?? throw new FolderNotFoundException(name);
        // Many mail clients show only subscribed folders; a migrated folder must not look lost.
        await created.SubscribeAsync(cancellationToken);
        return created;
    }

    /// <summary>As <see cref="CreateAsync"/>, but a refusal (someone made the folder meanwhile?) is null, for the caller to look it up.</summary>
    private static async Task<IMailFolder?> TryCreateAsync(IMailFolder parent, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await CreateAsync(parent, name, cancellationToken);
        }
        catch (ImapCommandException)
        {
            return null;
        }
    }

    /// <summary>The folder opened read-only (EXAMINE: nothing changes, not even \Recent), or null when it does not exist.</summary>
    private async Task<IMailFolder?> OpenAsync(string path, CancellationToken cancellationToken)
    {
        _fresh = false;
        var folder = await FindAsync(ImapFolderPath.ToServerName(path, ImapNamespaces.Personal(_client)), cancellationToken);
        if (folder is not null)
        {
            await folder.OpenAsync(FolderAccess.ReadOnly, cancellationToken);
            _examined = folder;
        }
        return folder;
    }

    /// <summary>
    /// The folder with what the raw connection just appended: if this connection has it open already, a NOOP brings
    /// the new messages in (EXAMINE again would reopen the mailbox: one per batch read back); else it is opened.
    /// </summary>
    private async Task<IMailFolder?> OpenUpdatedAsync(string path, CancellationToken cancellationToken)
    {
        if (_examined is { IsOpen: true } open && open.FullName == ImapFolderPath.ToServerName(path, ImapNamespaces.Personal(_client)))
        {
            await _client.NoOpAsync(cancellationToken);
            return open;
        }
        return await OpenAsync(path, cancellationToken);
    }

    private async Task<IMailFolder?> FindAsync(string fullName, CancellationToken cancellationToken)
    {
        try
        {
            return fullName.Equals("INBOX", StringComparison.OrdinalIgnoreCase) ? _client.Inbox : await _client.GetFolderAsync(fullName, cancellationToken);
        }
        catch (FolderNotFoundException)
        {
            return null;
        }
    }
}
