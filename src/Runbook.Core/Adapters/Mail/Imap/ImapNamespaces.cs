using MailKit;
using MailKit.Net.Imap;

namespace Runbook.Adapters.Mail.Imap;

/// <summary>Namespace and folder listing shared by the IMAP source and destination.</summary>
internal static class ImapNamespaces
{
    public static MailNamespace Personal(ImapClient client)
    {
        var personal = client.PersonalNamespaces.FirstOrDefault();
        return personal is null
            ? new MailNamespace("", client.Inbox.DirectorySeparator == '\0' ? '/' : client.Inbox.DirectorySeparator)
            : new MailNamespace(personal.Path, personal.DirectorySeparator);
    }

    /// <summary>Every folder of the personal namespaces, INBOX included (Courier-style listings of "INBOX.*" leave it out).</summary>
    public static async Task<IReadOnlyList<SourceFolder>> ListAsync(ImapClient client, CancellationToken cancellationToken) =>
        [.. (await ListFoldersAsync(client, StatusItems.None, cancellationToken)).Select(ImapSourceMapping.Folder)];

    /// <summary>
    /// As <see cref="ListAsync"/>, with each folder's UIDVALIDITY, UIDNEXT and MESSAGES (and HIGHESTMODSEQ when
    /// <paramref name="modSeq"/>) where the server offers LIST-STATUS (RFC 5819): one command for what was a STATUS per
    /// folder, 30 round trips per small account in a pass that finds nothing. Without LIST-STATUS, or for a folder the
    /// reply gave no status for (INBOX on a Courier-style listing, \Noselect), there is no entry: ask STATUS then.
    /// </summary>
    public static async Task<(IReadOnlyList<SourceFolder> Folders, Dictionary<string, FolderStatus> Statuses)> ListWithStatusAsync(
        ImapClient client, bool modSeq, CancellationToken cancellationToken)
    {
        var statuses = new Dictionary<string, FolderStatus>(StringComparer.Ordinal);
        if (!client.Capabilities.HasFlag(ImapCapabilities.ListStatus))
        {
            return (await ListAsync(client, cancellationToken), statuses);
        }

        var items = StatusItems.UidValidity | StatusItems.UidNext | StatusItems.Count | (modSeq ? StatusItems.HighestModSeq : StatusItems.None);
        var folders = await ListFoldersAsync(client, items, cancellationToken);
        // A fresh connection has opened nothing yet, so a folder's UIDVALIDITY can only have come from this reply.
        foreach (var folder in folders.Where(f => f.UidValidity != 0))
        {
            statuses[folder.FullName] = new FolderStatus(folder.UidValidity, folder.UidNext?.Id ?? 0, folder.Count, modSeq ? folder.HighestModSeq : null);
        }
        return ([.. folders.Select(ImapSourceMapping.Folder)], statuses);
    }

    private static async Task<List<IMailFolder>> ListFoldersAsync(ImapClient client, StatusItems items, CancellationToken cancellationToken)
    {
        var result = new List<IMailFolder> { client.Inbox };
        foreach (var ns in client.PersonalNamespaces)
        {
            var folders = await client.GetFoldersAsync(ns, items, subscribedOnly: false, cancellationToken);
            foreach (var folder in folders)
            {
                if (!result.Any(f => string.Equals(f.FullName, folder.FullName, StringComparison.Ordinal)))
                {
                    result.Add(folder);
                }
            }
        }
        return result;
    }
}
