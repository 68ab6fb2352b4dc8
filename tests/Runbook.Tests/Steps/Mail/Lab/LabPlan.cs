using System.Text;
using Runbook.Tests.Adapters.Mail;

namespace Runbook.Tests.Steps.Mail.Lab;

/// <summary>Writes a plan for the lab's servers into a temp folder: plain IMAP/POP3 on loopback, passwords from a file.</summary>
internal sealed class LabPlan : IDisposable
{
    /// <param name="newUsers">The new server's login per address where it is not the address (Cyrus users have no domain).</param>
    public LabPlan(MailLab lab, IReadOnlyList<string> users, string steps, int? newImapPort = null, string? oldImap = null, int? oldPop3Port = null,
        IReadOnlyDictionary<string, string>? newUsers = null)
    {
        _lab = lab;
        _newUsers = newUsers ?? new Dictionary<string, string>();
        _newImapPort = newImapPort;
        _oldImap = oldImap;
        _oldPop3Port = oldPop3Port;
        Directory.CreateDirectory(Folder);
        File.WriteAllText(Path.Combine(Folder, "password.txt"), lab.Password + "\n");
        Write(users, steps);
    }

    private readonly MailLab _lab;
    private readonly int? _newImapPort;
    private readonly string? _oldImap;
    private readonly int? _oldPop3Port;
    private readonly IReadOnlyDictionary<string, string> _newUsers;

    /// <summary>Users whose old-server password comes from their own file (<c>USER.password</c>), to give one of them a wrong password.</summary>
    public HashSet<string> OwnPasswordFile { get; } = new(StringComparer.Ordinal);

    /// <summary>Sets the old-server password of <paramref name="user"/> (its own file, named in the plan on the next <see cref="Write"/>).</summary>
    public void SetOldPassword(string user, string password)
    {
        OwnPasswordFile.Add(user);
        File.WriteAllText(Path.Combine(Folder, user + ".password"), password + "\n");
    }

    /// <summary>(Re)writes the plan with these accounts and steps, as a consultant editing it would.</summary>
    public void Write(IReadOnlyList<string> users, string steps)
    {
        var lab = _lab;
        var accounts = new StringBuilder();
        foreach (var user in users)
        {
            var oldPassword = OwnPasswordFile.Contains(user) ? user + ".password" : "password.txt";
            accounts.Append($"  - {{ email: {user}, old: {{ user: {user}, password: {{ file: {oldPassword} }} }}, new: {{ user: {_newUsers.GetValueOrDefault(user, user)}, password: {{ file: password.txt }} }}, groups: [test] }}\n");
        }

        var oldImapLine = _oldImap ?? $"{{ host: 127.0.0.1, port: {lab.Port("old", "imap")}, security: none }}";
        File.WriteAllText(PlanPath, $$"""
            runbook: 1
            name: lab-migration
            timezone: Asia/Tokyo
            servers:
              old:
                imap: {{oldImapLine}}
                pop3: { host: 127.0.0.1, port: {{_oldPop3Port ?? lab.Port("old", "pop3")}}, security: none }
              new:
                imap: { host: 127.0.0.1, port: {{_newImapPort ?? lab.Port("new", "imap")}}, security: none }
            accounts:
            {{accounts}}
            steps:
            {{steps}}
            """.Replace("\r", "", StringComparison.Ordinal));
    }

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "runbook-lab-plans", Guid.NewGuid().ToString("N"));

    public string PlanPath => Path.Combine(Folder, "plan.yaml");

    public string StatePath => Path.Combine(Folder, "plan.runbook.db");

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A killed process may still hold a file for a moment; the temp folder is cleaned up by the OS.
        }
    }
}
