using MailKit;
using Runbook.Adapters.Mail.Raw;
using Runbook.Errors;

namespace Runbook.Adapters.Mail.Imap;

/// <summary>Creating the new server's folders (raw), and opening them through MailKit to list and describe their messages.</summary>
internal sealed partial class ImapMailDestination
{
    public async Task EnsureFolderAsync(string path, CancellationToken cancellationToken)
    {
        var names = ImapFolderPath.WithParents(path, await GetNamespaceAsync(cancellationToken));
        await WithRawAsync(async raw =>
        {
            foreach (var name in names)
            {
                _listedStatus.Remove(name);
                // A name the listing had exists; one it did not have is created at once: the lookup (a LIST) is only
                // needed if that is refused (someone made the folder meanwhile?), or when nothing was listed yet.
                // The folder copied into must hold messages; a parent on the way may be a \Noselect one.
                var leaf = name == names[^1];
                var exists = _listed is null ? await RawFolderListing.ExistsAsync(raw, name, leaf, cancellationToken) : _listed.Contains(name);
                if (!exists && !await CreateAsync(raw, name, cancellationToken) && !await RawFolderListing.ExistsAsync(raw, name, leaf, cancellationToken))
                {
                    throw await CreateRefusedAsync(raw, name, leaf, cancellationToken);
                }
                _listed?.Add(name);
            }
            return true;
        }, cancellationToken);
    }

    /// <summary>Why a folder could not be made: a folder to copy into that is there only as a parent says so, and what to do.</summary>
    private async Task<StepFailedException> CreateRefusedAsync(RawImapConnection raw, string name, bool leaf, CancellationToken cancellationToken)
    {
        var parentOnly = leaf && await RawFolderListing.ExistsAsync(raw, name, cancellationToken);
        return new StepFailedException(
            $"{_endpoint}: server refused creating folder {name}" + (parentOnly
                ? " (it is there only as a parent of other folders and cannot hold messages: make it a folder on the new server, or map the source folder to another name with folders.map)"
                : ""),
            retryable: false);
    }

    /// <summary>CREATE, then SUBSCRIBE: many mail clients show only subscribed folders, and a migrated folder must not look lost.</summary>
    private async Task<bool> CreateAsync(RawImapConnection raw, string name, CancellationToken cancellationToken)
    {
        var (_, created) = await raw.RunAsync($"CREATE {ImapSyntax.Mailbox(name)}", cancellationToken);
        if (created.Status != ImapStatus.Ok)
        {
            return false;
        }

        var (_, subscribed) = await raw.RunAsync($"SUBSCRIBE {ImapSyntax.Mailbox(name)}", cancellationToken);
        return subscribed.Status == ImapStatus.Ok
            ? true
            : throw new StepFailedException($"{_endpoint}: folder {name} was created but the server refused subscribing to it: {subscribed.Reason}", retryable: false);
    }

    /// <summary>The folder opened read-only through MailKit (EXAMINE: nothing changes, not even \Recent), or null when it does not exist.</summary>
    private async Task<IMailFolder?> OpenAsync(string path, CancellationToken cancellationToken)
    {
        var folder = await FindAsync(ImapFolderPath.ToServerName(path, await GetNamespaceAsync(cancellationToken)), cancellationToken);
        if (folder is not null)
        {
            await folder.OpenAsync(FolderAccess.ReadOnly, cancellationToken);
            _examined = folder;
        }
        return folder;
    }

    /// <summary>
    /// The folder with what the raw connection just appended: if the MailKit connection has it open already, a NOOP
    /// brings the new messages in (EXAMINE again would reopen the mailbox: one per batch read back); else it is opened.
    /// </summary>
    private async Task<IMailFolder?> OpenUpdatedAsync(string path, CancellationToken cancellationToken)
    {
        var client = await ClientAsync(cancellationToken);
        if (_examined is { IsOpen: true } open && open.FullName == ImapFolderPath.ToServerName(path, await GetNamespaceAsync(cancellationToken)))
        {
            await client.NoOpAsync(cancellationToken);
            return open;
        }
        return await OpenAsync(path, cancellationToken);
    }

    private async Task<IMailFolder?> FindAsync(string fullName, CancellationToken cancellationToken)
    {
        var client = await ClientAsync(cancellationToken);
        try
        {
            return fullName.Equals("INBOX", StringComparison.OrdinalIgnoreCase) ? client.Inbox : await client.GetFolderAsync(fullName, cancellationToken);
        }
        catch (FolderNotFoundException)
        {
            return null;
        }
    }
}
