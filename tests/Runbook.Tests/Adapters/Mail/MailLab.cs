using System.Text.Json;
using Runbook.Adapters.Mail;
using Runbook.Plan.Model;

namespace Runbook.Tests.Adapters.Mail;

/// <summary>The running lab's mail endpoints, read from .lab/lab.json, with fresh users per test.</summary>
internal sealed class MailLab
{
    private readonly JsonElement _json;

    private MailLab(JsonElement json) => _json = json;

    public string Password => _json.GetProperty("accounts").GetProperty("password").GetString()!;
    public string CaFile => _json.GetProperty("ca").GetProperty("file").GetString()!;

    /// <summary>lab.json of the running lab (RUNBOOK_LAB_JSON, else the nearest .lab/lab.json above the tests), or null.</summary>
    public static string? Find() => Environment.GetEnvironmentVariable("RUNBOOK_LAB_JSON") ?? FindUp(".lab/lab.json");

    public static MailLab Load()
    {
        var path = Find() ?? throw new InvalidOperationException("the lab is not running: ./build.sh lab up");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return new MailLab(doc.RootElement.Clone());
    }

    public MailLogin NewLogin(string prefix = "t-") => new($"{prefix}{Guid.NewGuid():N}@acme.test", Password);

    public MailEndpoint Old(string service, TransportSecurity security = TransportSecurity.None, TlsOptions? tls = null) =>
        Endpoint("old", service, security, tls);

    public MailEndpoint New(string service, TransportSecurity security = TransportSecurity.None, TlsOptions? tls = null) =>
        Endpoint("new", service, security, tls);

    public int Port(string server, string service) => _json.GetProperty(server).GetProperty(service).GetProperty("port").GetInt32();

    public TlsOptions TrustLabCa => new() { CaFile = CaFile };

    private MailEndpoint Endpoint(string server, string service, TransportSecurity security, TlsOptions? tls) =>
        new(server, new Endpoint
        {
            Host = "127.0.0.1",
            Port = Port(server, service),
            Security = security,
            Tls = tls ?? TrustLabCa,
        });

    private static string? FindUp(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }
}

/// <summary>A test that needs the lab's real servers; skipped, saying why, when no lab is running.</summary>
internal sealed class LabFactAttribute : FactAttribute
{
    public LabFactAttribute()
    {
        if (MailLab.Find() is null)
        {
            Skip = "the lab is not running (./build.sh lab up)";
        }
    }
}
