using Runbook.Tests.Adapters.Mail;

namespace Runbook.Tests.Steps.Verify.Lab;

/// <summary>
/// A plan for verify on the lab: old and new Dovecot in plain IMAP, the new server's submission port (STARTTLS,
/// verified against the lab CA), a DNS section for a test zone of its own, and <c>verification:</c> as given.
/// </summary>
internal sealed class VerifyLabPlan : IDisposable
{
    private readonly MailLab _lab;
    private readonly bool _oldPop3;

    /// <param name="oldPop3">Give the old server a POP3 endpoint too (a POP3 migration reads it).</param>
    public VerifyLabPlan(MailLab lab, bool oldPop3 = false)
    {
        _lab = lab;
        _oldPop3 = oldPop3;
        Directory.CreateDirectory(Folder);
        File.WriteAllText(Path.Combine(Folder, "password.txt"), lab.Password + "\n");
        File.WriteAllText(Path.Combine(Folder, "wrong.txt"), "not-the-password\n");
    }

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "runbook-verify-plans", Guid.NewGuid().ToString("N"));

    public string PlanPath => Path.Combine(Folder, "plan.yaml");

    public string StatePath => Path.Combine(Folder, "plan.runbook.db");

    /// <param name="newPasswordFile">The new-server password file of the account (wrong.txt plays a refused login).</param>
    public void Write(string user, string steps, string verification = "", string? dnsZone = null, string newPasswordFile = "password.txt")
    {
        var dns = dnsZone is null ? "" : $$"""
            dns:
              zone: {{dnsZone.TrimEnd('.')}}
              authoritative: [{ name: ns1, host: 127.0.0.1, port: {{_lab.Environment.Dns.Authoritative.Port}} }]
              resolvers: [{ name: isp, host: 127.0.0.1, port: {{_lab.Environment.Dns.Resolver.Port}} }]
              update: { provider: manual }
              mx:
                old: [{ preference: 10, host: mx-old.{{dnsZone.TrimEnd('.')}} }]
                new: [{ preference: 10, host: mx-new.{{dnsZone.TrimEnd('.')}} }]
            """;
        var pop3 = _oldPop3 ? $"    pop3: {{ host: 127.0.0.1, port: {_lab.Port("old", "pop3")}, security: none }}" : "";
        File.WriteAllText(PlanPath, $$"""
            runbook: 1
            name: lab-verify
            timezone: Asia/Tokyo
            servers:
              old:
                imap: { host: 127.0.0.1, port: {{_lab.Port("old", "imap")}}, security: none }
            {{pop3}}
              new:
                imap: { host: 127.0.0.1, port: {{_lab.Port("new", "imap")}}, security: none }
                smtp: { host: 127.0.0.1, port: {{_lab.Environment.New.Submission.Port}}, security: starttls, tls: { ca_file: {{_lab.CaFile}} } }
            accounts:
              - { email: {{user}}, old: { user: {{user}}, password: { file: password.txt } }, new: { user: {{user}}, password: { file: {{newPasswordFile}} } } }
            {{dns}}
            {{verification}}
            steps:
            {{steps}}
            """.Replace("\r", "", StringComparison.Ordinal));
    }

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
