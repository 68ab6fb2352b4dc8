using System.Globalization;
using System.Text;

namespace Runbook.Adapters.Backup;

/// <summary>
/// <c>maildir</c>: a Maildir++ tree Dovecot and mutt open as it is. INBOX is the root, other folders are
/// <c>.Parent.Child</c> (modified UTF-7, as Dovecot stores names); each message is a file in <c>cur/</c> whose name
/// carries the flags (<c>:2,DFRST</c>) and keyword letters (<c>a</c>–<c>z</c>, mapped in <c>dovecot-keywords</c>),
/// and whose mtime is the INTERNALDATE (Dovecot reads it back as such).
/// </summary>
internal sealed class MaildirFormat : IBackupFormat
{
    private const string KeywordsFile = "dovecot-keywords";

    public string Name => "maildir";

    public bool MaildirNames => true;

    public string FolderPath(IReadOnlyList<string> safeSegments, bool inbox) =>
        inbox ? "Maildir" : Path.Combine("Maildir", "." + string.Join('.', safeSegments));

    public async Task WriteAsync(string accountRoot, ManifestFolder folder, IReadOnlyList<BackupItem> items, CancellationToken cancellationToken)
    {
        var directory = SafeNames.Inside(accountRoot, folder.Path);
        foreach (var sub in new[] { "cur", "new", "tmp" })
        {
            AtomicFile.EnsureDirectory(Path.Combine(directory, sub));
        }

        if (folder.Path != "Maildir" && !File.Exists(Path.Combine(directory, "maildirfolder")))
        {
            await AtomicFile.WriteAsync(Path.Combine(directory, "maildirfolder"), Array.Empty<byte>(), cancellationToken);
        }

        var keywords = await KeywordLettersAsync(directory, items.SelectMany(i => i.Entry.Keywords), cancellationToken);
        // A message written by a killed run (file renamed, manifest not saved) is written again under the same base
        // name; the earlier file goes, so the folder never holds it twice.
        var earlier = Directory.EnumerateFiles(Path.Combine(directory, "cur")).Select(Path.GetFileName).OfType<string>()
            .GroupBy(BaseName).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var writes = new List<MessageFileWrite>(items.Count);
        var replaced = new List<string>();
        foreach (var item in items)
        {
            var entry = item.Entry;
            var baseName = Base(entry);
            var name = $"{baseName},S={entry.Size}:2,{Info(entry, keywords)}";
            entry.File = Path.Combine(folder.Path, "cur", name);
            writes.Add(new MessageFileWrite(SafeNames.Inside(accountRoot, entry.File), item));
            replaced.AddRange((earlier.GetValueOrDefault(baseName) ?? []).Where(old => old != name).Select(old => Path.Combine(directory, "cur", old)));
        }

        await MessageFile.WriteBatchAsync(Path.Combine(directory, "cur"), writes, replaced, cancellationToken);
    }

    public Task CopyOutAsync(string accountRoot, ManifestFolder folder, ManifestMessage message, Stream destination, CancellationToken cancellationToken) =>
        MessageFile.CopyOutAsync(SafeNames.Inside(accountRoot, message.File), destination, cancellationToken);

    public IEnumerable<string> MessageFiles(string accountRoot)
    {
        var root = Path.Combine(accountRoot, "Maildir");
        if (!Directory.Exists(root))
        {
            return [];
        }

        var folders = Directory.EnumerateDirectories(root, ".*").Prepend(root);
        return folders.SelectMany(f => new[] { "cur", "new" }.Select(s => Path.Combine(f, s)))
            .Where(Directory.Exists)
            .SelectMany(Directory.EnumerateFiles)
            .Where(f => !Path.GetFileName(f).StartsWith('.'))
            .Select(f => Path.GetRelativePath(accountRoot, f));
    }

    /// <summary>Unique per source message and stable across runs: INTERNALDATE seconds, then UIDVALIDITY and UID (or a UIDL digest).</summary>
    private static string Base(ManifestMessage entry) =>
        string.Create(CultureInfo.InvariantCulture, $"{entry.InternalDate?.ToUnixTimeSeconds() ?? 0}.") +
        (entry.Uid > 0 ? string.Create(CultureInfo.InvariantCulture, $"V{entry.UidValidity}U{entry.Uid}") : "P" + SafeNames.Digest(entry.SourceId)) + ".runbook";

    private static string BaseName(string fileName) => fileName.Split(',', ':')[0];

    /// <summary>The Maildir info: system flags in ASCII order, then keyword letters in order.</summary>
    private static string Info(ManifestMessage entry, IReadOnlyDictionary<string, char> keywords)
    {
        var letters = entry.Flags.Select(f => f.ToLowerInvariant() switch
        {
            "draft" => 'D', "flagged" => 'F', "answered" => 'R', "seen" => 'S', "deleted" => 'T', _ => '\0',
        }).Where(c => c != '\0');
        // Keywords past the 26 letters Dovecot maps stay in the manifest (and a restore brings them back).
        var keywordLetters = entry.Keywords.Select(k => keywords.GetValueOrDefault(k)).Where(c => c != '\0');
        return new string([.. letters.Distinct().Order(), .. keywordLetters.Distinct().Order()]);
    }

    /// <summary>Reads the folder's <c>dovecot-keywords</c> (index → name) and adds the new keywords, rewriting it atomically first.</summary>
    private static async Task<IReadOnlyDictionary<string, char>> KeywordLettersAsync(string directory, IEnumerable<string> wanted, CancellationToken cancellationToken)
    {
        var path = Path.Combine(directory, KeywordsFile);
        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        if (File.Exists(path))
        {
            foreach (var line in await File.ReadAllLinesAsync(path, cancellationToken))
            {
                var parts = line.Split(' ', 2);
                if (parts.Length == 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out var index))
                {
                    map[parts[1]] = index;
                }
            }
        }

        var added = false;
        foreach (var keyword in wanted.Distinct(StringComparer.Ordinal))
        {
            var next = map.Count == 0 ? 0 : map.Values.Max() + 1;
            if (!map.ContainsKey(keyword) && next < 26)
            {
                map[keyword] = next;
                added = true;
            }
        }

        if (added)
        {
            var text = string.Concat(map.OrderBy(p => p.Value).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Value} {p.Key}\n")));
            await AtomicFile.WriteAsync(path, Encoding.UTF8.GetBytes(text), cancellationToken);
        }

        return map.Where(p => p.Value < 26).ToDictionary(p => p.Key, p => (char)('a' + p.Value), StringComparer.Ordinal);
    }
}
