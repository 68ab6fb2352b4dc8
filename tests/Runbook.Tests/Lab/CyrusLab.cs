using Runbook.Adapters.Mail;
using Runbook.Adapters.Mail.Raw;
using Runbook.Lab;
using Runbook.Plan.Model;

namespace Runbook.Tests.Lab;

/// <summary>The lab's Cyrus as adapter endpoints, fresh logins, and raw replies to look at exactly.</summary>
internal sealed class CyrusLab(LabEnvironment lab)
{
    public LabEnvironment Environment => lab;

    public MailEndpoint Imap => new("cyrus", new Endpoint
    {
        Host = lab.Cyrus.Imap.Host,
        Port = lab.Cyrus.Imap.Port,
        Security = TransportSecurity.None,
        Tls = new TlsOptions { CaFile = lab.Ca.File },
    });

    /// <summary>A fresh Cyrus user, logged in once so that its mailbox (INBOX, Sent, Drafts, Trash, Junk) exists.</summary>
    public async Task<MailLogin> NewLoginAsync(CancellationToken cancellationToken)
    {
        var login = new MailLogin(await lab.NewCyrusAccountAsync(cancellationToken), lab.Password);
        await using var first = await RawImapConnection.OpenAsync(Imap, login, cancellationToken);
        return login;
    }

    /// <summary>Runs one command as <paramref name="login"/> and returns its untagged lines and the tagged reply.</summary>
    public async Task<(List<string> Untagged, ImapTaggedResponse Reply)> CommandAsync(MailLogin login, string command, CancellationToken cancellationToken)
    {
        await using var connection = await RawImapConnection.OpenAsync(Imap, login, cancellationToken);
        var untagged = new List<string>();
        var tag = connection.NextTag();
        await connection.WriteAsync($"{tag} {command}\r\n", cancellationToken);
        await connection.FlushAsync(cancellationToken);
        var reply = await connection.ReadTaggedAsync(tag, untagged.Add, cancellationToken);
        return (untagged, reply);
    }
}
