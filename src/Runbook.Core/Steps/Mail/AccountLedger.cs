using Runbook.Engine;

namespace Runbook.Steps.Mail;

/// <summary>
/// One account's copy ledger during a pass: what each source message (folder, UIDVALIDITY, id) became on the new
/// server, and so which destination copies are spoken for. Reads once, and only when a folder has to be read: a pass
/// that finds every folder unchanged never loads the account's entries. Every write goes to the state first.
/// </summary>
internal sealed class AccountLedger
{
    private readonly ICopyLedger _store;
    /// <summary>Entries by source folder, then (UIDVALIDITY, id): a unit reads and forgets its own folders only.</summary>
    private readonly Dictionary<string, Dictionary<(uint Validity, string Id), LedgerEntry>> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FolderState> _folders = new(StringComparer.Ordinal);
    private readonly object _lock = new();

    private Task? _loading;

    private AccountLedger(ICopyLedger store, string account, IEnumerable<FolderState> folders)
    {
        _store = store;
        Account = account;
        foreach (var folder in folders)
        {
            _folders[folder.SourceFolder] = folder;
        }
    }

    public string Account { get; }

    /// <summary>
    /// True when nothing was known about the account before this pass (first copy, or the state was deleted). A pass
    /// that never loaded the entries found every folder as a completed pass left it, so the account was known.
    /// </summary>
    public bool WasEmpty { get; private set; }

    /// <summary>Reads the account's folder states; the entries wait for <see cref="EnsureLoadedAsync"/>.</summary>
    public static async Task<AccountLedger> LoadAsync(ICopyLedger store, string account, CancellationToken cancellationToken) =>
        new(store, account, await store.ReadFolderStatesAsync(account, cancellationToken));

    /// <summary>Reads the account's entries once (before the first <see cref="Find"/>, <see cref="Claimed"/> or <see cref="RecordAsync"/>).</summary>
    public Task EnsureLoadedAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return _loading is { IsFaulted: false, IsCanceled: false } ? _loading : _loading = LoadEntriesAsync(cancellationToken);
        }
    }

    private async Task LoadEntriesAsync(CancellationToken cancellationToken)
    {
        var entries = await _store.ReadAsync(Account, cancellationToken);
        lock (_lock)
        {
            Add(entries);
            WasEmpty = entries.Count == 0;
        }
    }

    /// <summary>What the last completed pass saw of <paramref name="sourceFolder"/>, or null (never completed, or the state was deleted).</summary>
    public FolderState? Remembered(string sourceFolder) => _folders.GetValueOrDefault(sourceFolder);

    /// <summary>Remembers what this pass saw of the folders it completed, in one transaction at the end of the account's pass.</summary>
    public Task RememberAsync(IReadOnlyList<FolderState> states, CancellationToken cancellationToken) =>
        states.Count == 0 ? Task.CompletedTask : _store.RecordFolderStatesAsync(states, cancellationToken);

    public LedgerEntry? Find(string folder, uint uidValidity, string sourceId)
    {
        lock (_lock)
        {
            return _entries.GetValueOrDefault(folder)?.GetValueOrDefault((uidValidity, sourceId));
        }
    }

    /// <summary>
    /// Destination UIDs in <paramref name="destination"/> (at <paramref name="uidValidity"/>) spoken for by an entry of
    /// one of <paramref name="sources"/> (folder and its current UIDVALIDITY). Entries of a renumbered source folder
    /// are stale and claim nothing, so its messages can match their old copies by content instead of being copied twice.
    /// </summary>
    public IReadOnlySet<uint> Claimed(string destination, uint uidValidity, IReadOnlySet<(string Folder, uint UidValidity)> sources)
    {
        lock (_lock)
        {
            return sources.Select(s => s.Folder).Distinct().SelectMany(f => _entries.TryGetValue(f, out var entries) ? entries.Values : Enumerable.Empty<LedgerEntry>())
                .Where(e => e.DestinationFolder == destination && e.DestinationUidValidity == uidValidity && e.DestinationUid != 0)
                .Where(e => sources.Contains((e.SourceFolder, e.SourceUidValidity)))
                .Select(e => e.DestinationUid)
                .ToHashSet();
        }
    }

    /// <summary>Remembers <paramref name="entries"/> in the state (one transaction), then here.</summary>
    public async Task RecordAsync(IReadOnlyList<LedgerEntry> entries, CancellationToken cancellationToken)
    {
        if (entries.Count == 0)
        {
            return;
        }

        await EnsureLoadedAsync(cancellationToken);
        await _store.RecordAsync(entries, cancellationToken);
        lock (_lock)
        {
            Add(entries);
        }
    }

    /// <summary>
    /// Drops the entries of source folders whose unit is done: no later unit of the pass reads them (a source folder
    /// has one route, and a unit claims only its own folders' copies), and keeping them would make the first copy of
    /// a 50,000-message account hold all 50,000 until its end.
    /// </summary>
    public void Forget(IEnumerable<string> sourceFolders)
    {
        lock (_lock)
        {
            foreach (var folder in sourceFolders)
            {
                _entries.Remove(folder);
            }
        }
    }

    private void Add(IEnumerable<LedgerEntry> entries)
    {
        foreach (var entry in entries)
        {
            if (!_entries.TryGetValue(entry.SourceFolder, out var folder))
            {
                _entries[entry.SourceFolder] = folder = [];
            }
            folder[(entry.SourceUidValidity, entry.SourceId)] = entry;
        }
    }
}
