using System.Text;
using Runbook.Tests.Adapters.Mail;

namespace Runbook.Tests.Steps.Mail.Lab;

/// <summary>Writes a plan for the lab's servers into a temp folder: plain IMAP/POP3 on loopback, passwords from a file.</summary>
internal sealed class LabPlan : IDisposable
{
    public LabPlan(MailLab lab, IReadOnlyList<string> users, string steps, int? newImapPort = null, string? oldImap = null)
    {
        Directory.CreateDirectory(Folder);
        File.WriteAllText(Path.Combine(Folder, "password.txt"), lab.Password + "\n");
        var accounts = new StringBuilder();
        foreach (var user in users)
        {
            accounts.Append($"  - {{ email: {user}, old: {{ user: {user}, password: {{ file: password.txt }} }}, new: {{ user: {user}, password: {{ file: password.txt }} }}, groups: [test] }}\n");
        }

        var oldImapLine = oldImap ?? $"{{ host: 127.0.0.1, port: {lab.Port("old", "imap")}, security: none }}";
        File.WriteAllText(PlanPath, $$"""
            runbook: 1
            name: lab-migration
            timezone: Asia/Tokyo
            servers:
              old:
                imap: {{oldImapLine}}
                pop3: { host: 127.0.0.1, port: {{lab.Port("old", "pop3")}}, security: none }
              new:
                imap: { host: 127.0.0.1, port: {{newImapPort ?? lab.Port("new", "imap")}}, security: none }
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
