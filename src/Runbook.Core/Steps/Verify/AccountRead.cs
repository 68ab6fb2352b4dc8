using Runbook.Adapters.Mail;
using Runbook.Engine;
using Runbook.Plan.Model;
using Runbook.Steps.Mail;

namespace Runbook.Steps.Verify;

/// <summary>
/// One account as both servers serve it now, read independently of anything the migration wrote down: the folder map
/// (the migration's own mapping, merges included), every mapped source folder and every destination folder.
/// The copy ledger rides along only to explain messages a person deleted or moved after the copy.
/// </summary>
internal sealed record AccountRead(
    AccountDefinition Account,
    bool Pop3,
    FolderMap Map,
    IReadOnlyDictionary<string, FolderContent> Source,
    IReadOnlyDictionary<string, FolderContent> Destination,
    IReadOnlyList<LedgerEntry> Ledger)
{
    /// <summary>Reads both servers at once, each over its own read-only connection (EXAMINE, BODY.PEEK).</summary>
    public static async Task<AccountRead> ReadAsync(VerifyServers servers, AccountDefinition account, bool pop3, bool content, FolderMapping rules, ICopyLedger ledger, Action<long>? progress, CancellationToken cancellationToken)
    {
        await using var source = await servers.OpenOldAsync(account, pop3, cancellationToken);
        await using var destination = await servers.OpenNewAsync(account, cancellationToken);
        var destinationNamespace = await destination.GetNamespaceAsync(cancellationToken);
        var destinationFolders = await destination.ListFoldersAsync(cancellationToken);
        var map = FolderMapper.Map(await source.ListFoldersAsync(cancellationToken), await source.GetNamespaceAsync(cancellationToken), destinationFolders, destinationNamespace, rules);

        var paths = new Dictionary<string, string>(StringComparer.Ordinal) { ["INBOX"] = "INBOX" };
        foreach (var folder in destinationFolders.Where(f => f.Selectable))
        {
            paths[FolderMapper.Translate(folder, destinationNamespace, []) ?? folder.FullName] = folder.FullName;
        }

        var sourceTask = ReadAllAsync(source, [.. map.Routes.Select(r => (r.Source, r.Source))], content, progress, cancellationToken);
        var destinationTask = ReadAllAsync(destination, [.. paths.Select(p => (p.Value, p.Key))], content, progress, cancellationToken);
        var entries = await ledger.ReadAsync(account.Email, cancellationToken);
        await Task.WhenAll(sourceTask, destinationTask);
        var destinationRead = await destinationTask;
        foreach (var missing in map.Routes.Select(r => r.Destination).Where(d => !destinationRead.ContainsKey(d)).Distinct())
        {
            destinationRead[missing] = FolderContent.Absent(missing);
        }

        return new AccountRead(account, pop3, map, await sourceTask, destinationRead, entries);
    }

    private static async Task<Dictionary<string, FolderContent>> ReadAllAsync(
        IMailSource server, IReadOnlyList<(string FullName, string Name)> folders, bool content, Action<long>? progress, CancellationToken cancellationToken)
    {
        // Yield first so the two servers really run side by side, not one after the other up to the first await.
        await Task.Yield();
        var read = new Dictionary<string, FolderContent>(StringComparer.Ordinal);
        foreach (var (fullName, name) in folders)
        {
            read[name] = await MailboxReader.ReadAsync(server, fullName, name, content, progress, cancellationToken);
        }

        return read;
    }
}
