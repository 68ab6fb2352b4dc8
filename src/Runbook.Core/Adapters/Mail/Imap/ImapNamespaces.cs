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
    public static async Task<IReadOnlyList<SourceFolder>> ListAsync(ImapClient client, CancellationToken cancellationToken)
    {
        var result = new List<SourceFolder> { ImapSourceMapping.Folder(client.Inbox) };
        foreach (var ns in client.PersonalNamespaces)
        {
            var folders = await client.GetFoldersAsync(ns, StatusItems.None, subscribedOnly: false, cancellationToken);
            foreach (var folder in folders)
            {
                if (!result.Any(f => string.Equals(f.FullName, folder.FullName, StringComparison.Ordinal)))
                {
                    result.Add(ImapSourceMapping.Folder(folder));
                }
            }
        }
        return result;
    }
}
