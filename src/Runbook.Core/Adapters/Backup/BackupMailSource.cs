using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Runbook.Adapters.Mail;

namespace Runbook.Adapters.Backup;

/// <summary>
/// A backup target read as if it were the old server, so <c>mail.restore</c> runs the migration's own copier (ledger,
/// batching, spooling, retries, reports): folders and their real names from the manifest, exact bytes from the files.
/// Reads only.
/// </summary>
/// <remarks>
/// The copy ledger keys a source message by folder, UIDVALIDITY and id. A backup's folder, UIDVALIDITY and UID are
/// the original server's, so after a migration the ledger would call every backed-up message "already copied" and a
/// restore would bring back nothing a person deleted on the new server: the one thing a restore is for. So a backup
/// source presents its own key: each folder a UIDVALIDITY derived from its name with the high bit set (a real
/// server's UIDVALIDITY is a timestamp below 2^31 until 2038), and each message the id <c>UIDVALIDITY:UID</c>. The
/// migration's entries then claim nothing for a restore; a restored message whose copy is still on the new server is
/// found there by content (Message-ID and size, or header digest), never appended twice; a second restore is settled
/// by its own entries. Every target of the same backup gives the same keys, so restoring from the second copy after
/// the first adds nothing either.
/// </remarks>
internal sealed class BackupMailSource(BackupTargetStore target, BackupManifest manifest, IReadOnlySet<string>? folders) : IMailSource
{
    private readonly string _root = target.AccountRoot(manifest.Account);
    private readonly Dictionary<string, Dictionary<string, ManifestMessage>> _byId = new(StringComparer.Ordinal);

    public static uint RestoreUidValidity(string folder) =>
        BitConverter.ToUInt32(SHA256.HashData(Encoding.UTF8.GetBytes("runbook-restore\0" + folder)), 0) | 0x80000000;

    public static string RestoreId(ManifestMessage message) =>
        string.Create(CultureInfo.InvariantCulture, $"{message.UidValidity}:{message.SourceId}");

    public Task<MailNamespace> GetNamespaceAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new MailNamespace(manifest.NamespacePrefix, manifest.Separator));

    public Task<IReadOnlyList<SourceFolder>> ListFoldersAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SourceFolder>>([.. manifest.Folders
            .Where(f => folders is null || folders.Contains(f.Name))
            .Select(f => new SourceFolder(f.Name, manifest.Separator, true, f.SpecialUse))]);

    public Task<SourceFolderStatus> GetStatusAsync(string folder, CancellationToken cancellationToken)
    {
        var found = Folder(folder);
        return Task.FromResult(new SourceFolderStatus(folder, RestoreUidValidity(folder), found.Messages.Count, found.Messages.Sum(m => m.Size)));
    }

    public Task<FolderIndex> IndexAsync(string folder, CancellationToken cancellationToken) =>
        Task.FromResult(new FolderIndex(RestoreUidValidity(folder), [.. Folder(folder).Messages.Select(m => new MessageRef(RestoreId(m), m.Uid))]));

    public Task<IReadOnlyList<SourceMessage>> DescribeAsync(string folder, IReadOnlyList<MessageRef> messages, CancellationToken cancellationToken)
    {
        var byId = ById(folder);
        return Task.FromResult<IReadOnlyList<SourceMessage>>([.. messages.Where(m => byId.ContainsKey(m.SourceId)).Select(m => Describe(byId[m.SourceId]))]);
    }

    public Task CopyRawAsync(string folder, SourceMessage message, Stream destination, CancellationToken cancellationToken)
    {
        return target.Format.CopyOutAsync(_root, Folder(folder), ById(folder)[message.SourceId], destination, cancellationToken);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private Dictionary<string, ManifestMessage> ById(string folder)
    {
        lock (_byId)
        {
            if (!_byId.TryGetValue(folder, out var byId))
            {
                byId = Folder(folder).Messages.ToDictionary(RestoreId, StringComparer.Ordinal);
                _byId[folder] = byId;
            }

            return byId;
        }
    }

    private ManifestFolder Folder(string name) =>
        manifest.Find(name) ?? throw new BackupStoreException($"folder {name} is not in the backup of {manifest.Account} in target '{target.Id}'");

    private static SourceMessage Describe(ManifestMessage message) => new()
    {
        SourceId = RestoreId(message),
        Uid = message.Uid,
        Size = message.Size,
        Flags = message.Flags,
        Keywords = message.Keywords,
        InternalDate = message.InternalDate,
        MessageId = message.MessageId,
        HeaderDigest = message.HeaderDigest,
    };
}
