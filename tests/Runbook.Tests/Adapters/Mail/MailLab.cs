using Runbook.Adapters.Mail;
using Runbook.Lab;
using Runbook.Plan.Model;

namespace Runbook.Tests.Adapters.Mail;

/// <summary>The running lab's mail endpoints as adapter endpoints, trusting the lab CA unless told otherwise.</summary>
internal sealed class MailLab(LabEnvironment lab)
{
    public string Password => lab.Password;
    public string CaFile => lab.Ca.File;
    public LabEnvironment Environment => lab;

    /// <summary>A fresh account; the "small" prefix gets the new server's 1 MB message cap.</summary>
    public MailLogin NewLogin(string prefix = "t") => new(lab.NewAccount(prefix), lab.Password);

    public MailEndpoint Old(string service, TransportSecurity security = TransportSecurity.None, TlsOptions? tls = null) =>
        Endpoint("old", Port("old", service), security, tls);

    public MailEndpoint New(string service, TransportSecurity security = TransportSecurity.None, TlsOptions? tls = null) =>
        Endpoint("new", Port("new", service), security, tls);

    public int Port(string server, string service) => (server, service) switch
    {
        ("old", "imap") => lab.Old.Imap.Port,
        ("old", "imaps") => lab.Old.Imaps.Port,
        ("old", "pop3") => lab.Old.Pop3.Port,
        ("old", "pop3s") => lab.Old.Pop3s.Port,
        ("new", "imap") => lab.New.Imap.Port,
        ("new", "imaps") => lab.New.Imaps.Port,
        ("new", "smtp") => lab.New.Smtp.Port,
        ("new", "submission") => lab.New.Submission.Port,
        _ => throw new ArgumentOutOfRangeException(nameof(service), $"{server}.{service}"),
    };

    public string NewMaildir(MailLogin login) => Path.Combine(lab.New.MailRoot, login.User, "Maildir");

    private MailEndpoint Endpoint(string server, int port, TransportSecurity security, TlsOptions? tls) =>
        new(server, new Endpoint
        {
            Host = "127.0.0.1",
            Port = port,
            Security = security,
            Tls = tls ?? new TlsOptions { CaFile = lab.Ca.File },
        });
}

/// <summary>Lab tests that measure process memory: run alone, never beside other tests.</summary>
[CollectionDefinition("lab-memory", DisableParallelization = true)]
public sealed class LabMemoryCollection : ICollectionFixture<Runbook.Tests.Lab.LabFixture>;
