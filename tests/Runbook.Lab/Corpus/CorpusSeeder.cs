using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;

namespace Runbook.Lab.Corpus;

/// <summary>Fills a fresh old-server account with a generated corpus and returns what it stored.</summary>
internal sealed class CorpusSeeder(LabEnvironment lab)
{
    public async Task<CorpusManifest> SeedAsync(string account, CorpusOptions options, CancellationToken cancellationToken)
    {
        var messages = new CorpusGenerator(options).Generate();
        using var client = new ImapClient();
        await client.ConnectAsync(lab.Old.Imap.Host, lab.Old.Imap.Port, SecureSocketOptions.None, cancellationToken);
        await client.AuthenticateAsync(account, lab.Password, cancellationToken);
        var maildir = lab.Old.MaildirOf(account);
        var folders = new List<ManifestFolder>();
        foreach (var path in options.InboxOnly ? ["INBOX"] : CorpusGenerator.FoldersOf(options.Profile))
        {
            var folder = await EnsureEmptyFolderAsync(client, path, cancellationToken);
            var directory = FolderDirectory(maildir, path);
            Directory.CreateDirectory(Path.Combine(directory, "cur"));
            var writer = new MaildirWriter(directory);
            var inFolder = messages.Where(m => m.Folder == path).ToList();
            inFolder.ForEach(writer.Write);
            writer.Finish();
            folders.Add(Describe(path, folder.FullName, inFolder));
        }
        await MaildirWriter.ChownToMailUserAsync(maildir, cancellationToken);
        await VerifyCountsAsync(client, folders, cancellationToken);
        await client.DisconnectAsync(true, cancellationToken);
        return new CorpusManifest(account, options.Profile.ToString().ToLowerInvariant(), options.Seed, folders);
    }

    /// <summary>
    /// Adds messages to an already seeded account (folders must exist), e.g. new mail for a delta sync;
    /// returns the manifest of what was added.
    /// </summary>
    public async Task<IReadOnlyList<ManifestFolder>> AddAsync(string account, IReadOnlyList<CorpusMessage> messages, CancellationToken cancellationToken)
    {
        var maildir = lab.Old.MaildirOf(account);
        var added = new List<ManifestFolder>();
        foreach (var group in messages.GroupBy(m => m.Folder))
        {
            var writer = new MaildirWriter(FolderDirectory(maildir, group.Key));
            var inFolder = group.ToList();
            inFolder.ForEach(writer.Write);
            writer.Finish();
            added.Add(Describe(group.Key, ServerName(group.Key), inFolder));
        }
        await MaildirWriter.ChownToMailUserAsync(maildir, cancellationToken);
        return added;
    }

    private static string ServerName(string path) => path == "INBOX" ? "INBOX" : "INBOX." + path.Replace('/', '.');

    /// <summary>Maildir++ on disk: INBOX is the root, "取引先/2024" is ".&amp;U9ZfFVFI-.2024".</summary>
    private static string FolderDirectory(string maildir, string path)
    {
        if (path == "INBOX")
        {
            return maildir;
        }
        var directory = Path.Combine(maildir, "." + string.Join('.', path.Split('/').Select(ModifiedUtf7.Encode)));
        return Directory.Exists(directory)
            ? directory
            : throw new DirectoryNotFoundException($"Dovecot did not create {directory} for {path}");
    }

    /// <summary>Creates the folder (parents first) through IMAP so Dovecot names it; refuses one that holds mail.</summary>
    private static async Task<IMailFolder> EnsureEmptyFolderAsync(ImapClient client, string path, CancellationToken cancellationToken)
    {
        IMailFolder folder = client.Inbox ?? throw new InvalidOperationException("the server has no INBOX");
        if (path != "INBOX")
        {
            foreach (var segment in path.Split('/'))
            {
                var fullName = folder.FullName + folder.DirectorySeparator + segment;
                try
                {
                    folder = await client.GetFolderAsync(fullName, cancellationToken);
                }
                catch (FolderNotFoundException)
                {
                    folder = await folder.CreateAsync(segment, true, cancellationToken)
                        ?? throw new InvalidOperationException($"could not create {fullName}");
                }
            }
        }
        await folder.StatusAsync(StatusItems.Count, cancellationToken);
        return folder.Count == 0
            ? folder
            : throw new InvalidOperationException($"{folder.FullName} already holds mail: seed a fresh account");
    }

    private static async Task VerifyCountsAsync(ImapClient client, List<ManifestFolder> folders, CancellationToken cancellationToken)
    {
        foreach (var expected in folders)
        {
            var folder = await client.GetFolderAsync(expected.ServerName, cancellationToken);
            await folder.StatusAsync(StatusItems.Count, cancellationToken);
            if (folder.Count != expected.Count)
            {
                throw new InvalidOperationException($"{expected.ServerName}: Dovecot sees {folder.Count}, wrote {expected.Count}");
            }
        }
    }

    private static ManifestFolder Describe(string path, string serverName, List<CorpusMessage> messages)
    {
        var described = messages.Select(m =>
        {
            var served = ServedBytes.From(m.Bytes);
            return new ManifestMessage(m.Label, ServedBytes.Sha256(served), served.Length, ServedBytes.Sha256(m.Bytes),
                m.MessageId, m.Flags, m.Keywords, m.InternalDate);
        }).ToList();
        return new ManifestFolder(path, serverName, described.Count, described.Sum(m => m.Size), described);
    }
}
