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
    /// As <see cref="ListAsync"/>, with each folder's status where the server offers LIST-STATUS (RFC 5819): one command
    /// for what was a STATUS per folder (30 round trips per small account in a pass that finds nothing). Without
    /// LIST-STATUS, or for a folder the reply gave no status for (INBOX on a Courier-style listing, \Noselect), or
    /// one <paramref name="status"/> makes nothing of, there is no entry: ask STATUS then.
    /// Only on a <paramref name="fresh"/> connection, one that has not opened, asked the status of or listed any folder:
    /// MailKit keeps a folder's values from earlier replies, and a folder this reply gave no status for would show them
    /// as if they were new (INBOX opened in an earlier pass, listed again without a status, would look unchanged).
    /// </summary>
    public static async Task<(IReadOnlyList<SourceFolder> Folders, Dictionary<string, T> Statuses)> ListWithStatusAsync<T>(
        ImapClient client, bool fresh, StatusItems items, Func<IMailFolder, T?> status, CancellationToken cancellationToken) where T : class
    {
        var statuses = new Dictionary<string, T>(StringComparer.Ordinal);
        if (!fresh || !client.Capabilities.HasFlag(ImapCapabilities.ListStatus))
        {
            return (await ListAsync(client, cancellationToken), statuses);
        }

        var folders = await ListFoldersAsync(client, items | StatusItems.UidValidity, cancellationToken);
        // Nothing was asked on this connection before, so a folder's UIDVALIDITY can only have come from this reply.
        foreach (var folder in folders.Where(f => f.UidValidity != 0))
        {
            if (status(folder) is { } value)
            {
                statuses[folder.FullName] = value;
            }
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
