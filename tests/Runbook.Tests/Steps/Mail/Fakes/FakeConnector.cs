using Runbook.Adapters.Mail;
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
    public int Opened { get; private set; }

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
        Opened++;
        return Task.FromResult<IMailSource>(new FakeMailSource(Accounts[account.Email].Old, pop3));
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

/// <summary>Checkpoints in memory; <see cref="Clear"/> plays a deleted state file.</summary>
internal sealed class FakeCheckpointStore : IMailCheckpointStore
{
    public Dictionary<string, MailCheckpoint> Saved { get; } = new(StringComparer.Ordinal);

    public Task<MailCheckpoint?> LoadAsync(string account, string unit, CancellationToken cancellationToken) =>
        Task.FromResult(Saved.GetValueOrDefault(account + "|" + unit));

    public Task SaveAsync(string account, string unit, MailCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        Saved[account + "|" + unit] = checkpoint;
        return Task.CompletedTask;
    }

    public void Clear() => Saved.Clear();
}
