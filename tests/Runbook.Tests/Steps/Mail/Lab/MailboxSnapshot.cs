using System.Security.Cryptography;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;

namespace Runbook.Tests.Steps.Mail.Lab;

/// <summary>One message as a test compares it across servers: exact bytes (SHA-256), flags, keywords, INTERNALDATE.</summary>
internal sealed record SnapshotMessage(string Sha256, string Flags, string Keywords, DateTimeOffset? InternalDate)
{
    public override string ToString() => $"{Sha256[..12]} [{Flags}] [{Keywords}] {InternalDate:O}";
}

/// <summary>Reads a whole mailbox over IMAP, read-only (EXAMINE, BODY.PEEK), folder by folder, with '/' paths.</summary>
internal static class MailboxSnapshot
{
    public static async Task<Dictionary<string, List<SnapshotMessage>>> ReadAsync(string host, int port, string user, string password, CancellationToken cancellationToken)
    {
        using var client = new ImapClient();
        await client.ConnectAsync(host, port, SecureSocketOptions.None, cancellationToken);
        await client.AuthenticateAsync(user, password, cancellationToken);
        var ns = client.PersonalNamespaces[0];
        var prefix = ns.Path.Length == 0 ? "" : ns.Path.TrimEnd(ns.DirectorySeparator) + ns.DirectorySeparator;
        var folders = (await client.GetFoldersAsync(ns, cancellationToken: cancellationToken)).Where(f => f.Exists && !f.Attributes.HasFlag(FolderAttributes.NoSelect)).ToList();
        if (!folders.Any(f => f.FullName == "INBOX"))
        {
            folders.Insert(0, client.Inbox);
        }

        var snapshot = new Dictionary<string, List<SnapshotMessage>>(StringComparer.Ordinal);
        foreach (var folder in folders)
        {
            var name = folder.FullName.StartsWith(prefix, StringComparison.Ordinal) && prefix.Length > 0 ? folder.FullName[prefix.Length..] : folder.FullName;
            var path = name.Replace(folder.DirectorySeparator, '/');
            await folder.OpenAsync(FolderAccess.ReadOnly, cancellationToken);
            var messages = new List<SnapshotMessage>();
            if (folder.Count > 0)
            {
                var summaries = await folder.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.Flags | MessageSummaryItems.InternalDate, cancellationToken);
                foreach (var summary in summaries)
                {
                    using var stream = await folder.GetStreamAsync(summary.UniqueId, "", cancellationToken);
                    var hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
                    var flags = (summary.Flags ?? MessageFlags.None) & ~MessageFlags.Recent;
                    messages.Add(new SnapshotMessage(hash, flags.ToString(), string.Join(' ', summary.Keywords.Order(StringComparer.Ordinal)), summary.InternalDate));
                }
            }

            snapshot[path] = [.. messages.OrderBy(m => m.ToString(), StringComparer.Ordinal)];
        }

        await client.DisconnectAsync(true, cancellationToken);
        return snapshot;
    }
}
