using Runbook.Adapters.Mail;
using Runbook.Plan.Model;

namespace Runbook.Adapters.Backup;

/// <summary>
/// One backup target of the plan (a folder on some disk) in one format. Each account has its own folder there with
/// its own manifest, so accounts run in parallel without sharing a file.
/// </summary>
internal sealed class BackupTargetStore(string id, string root, IBackupFormat format)
{
    public string Id => id;
    public string Root => root;
    public IBackupFormat Format => format;

    /// <summary>The plan's target, its path relative to the plan file.</summary>
    public static BackupTargetStore From(RunbookPlan plan, BackupTarget target) =>
        new(target.Id, Path.GetFullPath(target.Path, Path.GetDirectoryName(Path.GetFullPath(plan.SourcePath))!), IBackupFormat.For(target.Format));

    public string AccountRoot(string email) => SafeNames.Inside(root, SafeNames.Account(email));

    /// <summary>
    /// Fails unless the target can be written: creates the folder (0700) and writes and deletes a probe file.
    /// Called before any server is asked, so a wrong path costs nothing.
    /// </summary>
    public void CheckWritable()
    {
        try
        {
            AtomicFile.EnsureDirectory(root);
            var probe = AtomicFile.TempPath(Path.Combine(root, "probe"));
            File.WriteAllBytes(probe, [0]);
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BackupStoreException($"backup target '{id}' ({root}) is not writable: {ex.Message}; fix the path or its permissions in backup.targets");
        }
    }

    /// <summary>Bytes free where the target lives (the nearest existing folder), or null when the platform cannot say.</summary>
    public long? FreeBytes()
    {
        var existing = root;
        while (!Directory.Exists(existing) && Path.GetDirectoryName(existing) is { } parent)
        {
            existing = parent;
        }

        try
        {
            return new DriveInfo(existing).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// The account's manifest (a new one when there is none). <paramref name="write"/> false (a dry run, a verify)
    /// touches nothing on disk; true creates the folder and sweeps the temp files a killed run left.
    /// </summary>
    public async Task<BackupManifest> OpenAsync(string email, string server, string protocol, MailNamespace ns, bool write, CancellationToken cancellationToken)
    {
        var accountRoot = AccountRoot(email);
        if (write)
        {
            AtomicFile.EnsureDirectory(accountRoot);
            // A killed run's temp files hold no message the manifest names: they go.
            AtomicFile.Sweep(accountRoot);
        }

        var manifest = await BackupManifest.LoadAsync(accountRoot, cancellationToken)
            ?? new BackupManifest { Account = email, Server = server, Protocol = protocol, Format = format.Name };
        if (manifest.Format != format.Name)
        {
            throw new BackupStoreException($"{accountRoot} holds a {manifest.Format} backup, but target '{id}' is {format.Name}; give the target another path");
        }

        manifest.NamespacePrefix = ns.Prefix;
        manifest.Separator = ns.Separator;
        return manifest;
    }

    /// <summary>The manifest's folder for a server folder, created with a safe path of its own when new.</summary>
    public static ManifestFolder Folder(BackupManifest manifest, IBackupFormat format, SourceFolder folder)
    {
        if (manifest.Find(folder.FullName) is { } known)
        {
            return known;
        }

        var inbox = string.Equals(folder.FullName, "INBOX", StringComparison.OrdinalIgnoreCase);
        var segments = SafeNames.Segments(folder.FullName, manifest.NamespacePrefix, manifest.Separator)
            .Select(s => SafeNames.Segment(s, format.MaildirNames)).ToList();
        var path = format.FolderPath(segments, inbox);
        // Two names that sanitise alike (a case-insensitive disk, a long common prefix) still get their own place.
        while (manifest.Folders.Any(f => string.Equals(f.Path, path, StringComparison.OrdinalIgnoreCase)))
        {
            segments[^1] += "~" + SafeNames.Digest(folder.FullName + path);
            path = format.FolderPath(segments, inbox);
        }

        var created = new ManifestFolder { Name = folder.FullName, SpecialUse = folder.SpecialUse, Path = path };
        manifest.Folders.Add(created);
        return created;
    }
}
