using Runbook.Adapters.Mail;
using Runbook.Engine;
using Runbook.Errors;
using Runbook.Plan.Model;
using Runbook.Steps.Mail;

namespace Runbook.Tests.Steps.Mail.Fakes;

/// <summary>Hands out connections to one fake old and one fake new server per account.</summary>
internal sealed class FakeConnector(bool pop3 = false) : IAccountConnector
{
    public Dictionary<string, (FakeServer Old, FakeServer New)> Accounts { get; } = new(StringComparer.Ordinal);
    public FakeDestinationBehaviour Behaviour { get; set; } = new();
    public HashSet<string> WrongPassword { get; } = [];
    private int _opened;

    public int Opened => _opened;
    public FakeMailSource? LastSource { get; private set; }

    public (FakeServer Old, FakeServer New) Add(string email)
    {
        var pair = (new FakeServer("INBOX", '.'), new FakeServer("", '/'));
        pair.Item1.Folder("INBOX");
        pair.Item2.Folder("INBOX");
        foreach (var role in (string[])["Sent", "Drafts", "Trash", "Junk"])
        {
            pair.Item2.Folder(role, role);
        }

        Accounts[email] = pair;
        return pair;
    }

    public Task<IMailSource> OpenSourceAsync(AccountDefinition account, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _opened);
        LastSource = new FakeMailSource(Accounts[account.Email].Old, pop3);
        return Task.FromResult<IMailSource>(LastSource);
    }

    public Task<IMailDestination> OpenDestinationAsync(AccountDefinition account, CancellationToken cancellationToken)
    {
        if (WrongPassword.Contains(account.Email))
        {
            throw new AuthenticationFailedException($"new (127.0.0.1:1): login refused for account {account.Email}");
        }

        return Task.FromResult<IMailDestination>(new FakeMailDestination(Accounts[account.Email].New, Behaviour));
    }

    public static AccountDefinition Account(string email) => new()
    {
        Email = email,
        Old = new Credential { User = email, Password = new SecretReference { Env = "OLD" } },
        New = new Credential { User = email, Password = new SecretReference { Env = "NEW" } },
    };
}

/// <summary>A copy ledger in memory; <see cref="Clear"/> plays a deleted state file. Accounts run in parallel share it,
/// as they share the real store, so every access takes its lock.</summary>
internal sealed class FakeLedger : ICopyLedger
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string, string, uint, string), LedgerEntry> _entries = [];
    private readonly Dictionary<(string, string), FolderState> _folders = [];
    private readonly List<MessageException> _exceptions = [];

    public IReadOnlyCollection<FolderState> FolderStates => Locked(() => _folders.Values.ToList());

    /// <summary>How many times folder states were written (one transaction per account pass).</summary>
    public int FolderStateWrites { get; private set; }

    public IReadOnlyCollection<LedgerEntry> Entries => Locked(() => _entries.Values.ToList());

    public IReadOnlyList<MessageException> Exceptions => Locked(() => _exceptions.ToList());

    public Task<IReadOnlyList<FolderState>> ReadFolderStatesAsync(string account, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<FolderState>>(Locked(() => _folders.Values.Where(s => s.Account == account).ToList()));

    public Task RecordFolderStatesAsync(IReadOnlyList<FolderState> states, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            FolderStateWrites++;
            foreach (var state in states)
            {
                _folders[(state.Account, state.SourceFolder)] = state;
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<LedgerEntry>> ReadAsync(string account, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<LedgerEntry>>(Locked(() => _entries.Values.Where(e => e.Account == account).ToList()));

    public Task RecordAsync(IReadOnlyList<LedgerEntry> entries, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            foreach (var entry in entries)
            {
                _entries[(entry.Account, entry.SourceFolder, entry.SourceUidValidity, entry.SourceId)] = entry;
            }
        }

        return Task.CompletedTask;
    }

    public Task RecordExceptionsAsync(IReadOnlyList<MessageException> exceptions, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            foreach (var exception in exceptions)
            {
                _exceptions.RemoveAll(e => e.Id == exception.Id);
                _exceptions.Add(exception);
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<MessageException>> ReadExceptionsAsync(string account, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<MessageException>>(Locked(() => _exceptions.Where(e => e.Account == account).ToList()));

    public void Clear()
    {
        lock (_lock)
        {
            _entries.Clear();
            _folders.Clear();
        }
    }

    private T Locked<T>(Func<T> read)
    {
        lock (_lock)
        {
            return read();
        }
    }
}
