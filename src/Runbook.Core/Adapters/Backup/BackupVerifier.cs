using System.Globalization;

namespace Runbook.Adapters.Backup;

/// <summary>What verifying one account in one target found: every problem named (missing, extra, corrupt, miscounted).</summary>
internal sealed record BackupCheck(string Target, string Account, int Messages, long Bytes, IReadOnlyList<string> Problems)
{
    public bool Ok => Problems.Count == 0;
}

/// <summary>
/// Re-reads every file a target's manifest names for an account and compares length and SHA-256; lists message files
/// no manifest names; compares the manifest's per-folder counts with the server's, when given. Reads only.
/// </summary>
internal static class BackupVerifier
{
    /// <summary>
    /// Checks one account's backup in one target. <paramref name="reread"/> (keys from <see cref="Key"/>) limits the
    /// full re-read to those messages, the others being checked by presence and length only; null re-reads every one.
    /// </summary>
    public static async Task<BackupCheck> VerifyAsync(
        BackupTargetStore target, string account, IReadOnlyDictionary<string, int>? serverCounts, CancellationToken cancellationToken,
        IReadOnlySet<string>? reread = null)
    {
        var root = target.AccountRoot(account);
        var problems = new List<string>();
        var manifest = await BackupManifest.LoadAsync(root, cancellationToken);
        if (manifest is null)
        {
            return new BackupCheck(target.Id, account, 0, 0, [$"no backup of {account} in target '{target.Id}' ({root}): no {BackupManifest.FileName}"]);
        }

        int messages = 0;
        long bytes = 0;
        var named = new HashSet<string>(StringComparer.Ordinal);
        foreach (var folder in manifest.Folders)
        {
            foreach (var message in folder.Messages)
            {
                named.Add(message.File);
                var where = $"{message.File} ({folder.Name} {Id(message)})";
                if (reread is not null && !reread.Contains(Key(message)))
                {
                    if (Shallow(root, message) is { } problem)
                    {
                        problems.Add($"{problem}: {where}");
                    }

                    continue;
                }

                try
                {
                    await using var sink = new HashSink();
                    await target.Format.CopyOutAsync(root, folder, message, sink, cancellationToken);
                    var sha = sink.Sha256();
                    if (sink.Length != message.Size || sha != message.Sha256)
                    {
                        problems.Add($"corrupt: {where}: {sink.Length} bytes, SHA-256 {sha[..12]}…, the manifest says {message.Size} bytes, {message.Sha256[..12]}…");
                    }

                    messages++;
                    bytes += sink.Length;
                }
                catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
                {
                    problems.Add($"missing: {where}");
                }
                catch (Exception ex) when (ex is EndOfStreamException or IOException)
                {
                    problems.Add($"corrupt: {where}: {ex.Message}");
                }
            }

            if (serverCounts is not null)
            {
                var backedUp = folder.Messages.Count(m => m.UidValidity == folder.UidValidity && m.GoneAt is null);
                if (serverCounts.TryGetValue(folder.Name, out var count) && count != backedUp)
                {
                    problems.Add($"count: folder {folder.Name}: the server lists {count} message(s), the backup holds {backedUp}");
                }
            }
        }

        foreach (var extra in target.Format.MessageFiles(root).Where(f => !named.Contains(f)).Order(StringComparer.Ordinal))
        {
            problems.Add($"extra: {extra} (no manifest entry names it)");
        }

        foreach (var folder in serverCounts?.Keys.Where(k => manifest.Find(k) is null) ?? [])
        {
            problems.Add($"count: folder {folder} is on the server but not in the backup");
        }

        return new BackupCheck(target.Id, account, messages, bytes, problems);
    }

    /// <summary>Names a message's place in a target: its file, and its offset in an mbox.</summary>
    public static string Key(ManifestMessage message) =>
        string.Create(CultureInfo.InvariantCulture, $"{message.File}@{message.Offset}");

    /// <summary>A message written by an earlier (verified) run: its file is there and long enough, or the problem.</summary>
    private static string? Shallow(string root, ManifestMessage message)
    {
        var file = new FileInfo(SafeNames.Inside(root, message.File));
        return !file.Exists ? "missing"
            : message.Offset is { } offset ? (file.Length < offset + (message.Length ?? 0) ? "corrupt (file too short)" : null)
            : file.Length != message.Size ? $"corrupt ({file.Length} bytes, the manifest says {message.Size})"
            : null;
    }

    private static string Id(ManifestMessage message) =>
        message.Uid > 0 ? string.Create(CultureInfo.InvariantCulture, $"UID {message.Uid}") : $"UIDL {message.SourceId}";
}
