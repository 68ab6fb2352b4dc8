using System.Text.Json.Nodes;
using Runbook.Plan.Loading;
using Runbook.Plan.Model;
using Runbook.Plan.Validation;
using static Runbook.Plan.Validation.JsonRead;

namespace Runbook.Plan.Building;

/// <summary>Builds the immutable model from JSON that passed every check, filling in the documented defaults.</summary>
internal sealed partial class PlanBuilder(JsonObject json, SourceMap map, string planPath)
{
    private readonly string planDirectory = Path.GetDirectoryName(Path.GetFullPath(planPath)) ?? ".";

    public RunbookPlan Build() => new()
    {
        Name = Str(json["name"])!,
        Description = Str(json["description"]),
        Timezone = Str(json["timezone"])!,
        SourcePath = planPath,
        Hash = CanonicalJson.Hash(json),
        Expanded = json,
        Servers = Entries(json["servers"]).ToDictionary(e => e.Key, e => Server(e.Key, Obj(e.Node)!), StringComparer.Ordinal),
        Accounts = Items(json["accounts"]).Select(a => Account(Obj(a.Node)!, PlanPath.Index("accounts", a.Index))).ToList(),
        Folders = Folders(Obj(json["folders"])),
        BackupTargets = Items(Obj(json["backup"])?["targets"]).Select(t => BackupTarget(Obj(t.Node)!)).ToList(),
        BackupVerify = Bool(Obj(json["backup"])?["verify"]) ?? true,
        Dns = Obj(json["dns"]) is { } dns ? Dns(dns) : null,
        Windows = Entries(json["windows"]).ToDictionary(e => e.Key, e => Window(e.Key, Obj(e.Node)!), StringComparer.Ordinal),
        Verification = Verification(Obj(json["verification"])),
        Notifications = Items(json["notifications"]).Select(n => Notification(Obj(n.Node)!)).ToList(),
        Report = Report(Obj(json["report"])),
        State = StateOf(Obj(json["state"])),
        Steps = Items(json["steps"]).Select(s => Step(Obj(s.Node)!, PlanPath.Index("steps", s.Index))).ToList(),
    };

    private ServerDefinition Server(string name, JsonObject server) => new()
    {
        Name = name,
        Imap = Endpoint(Obj(server["imap"]), tls: 993, plain: 143),
        Pop3 = Endpoint(Obj(server["pop3"]), tls: 995, plain: 110),
        Smtp = Endpoint(Obj(server["smtp"]), tls: 465, plain: 25, starttls: 587),
        SmtpLogin = Obj(Obj(server["smtp"])?["login"]) is { } login ? Credential(login, PlanPath.Key(PlanPath.Key(PlanPath.Key("servers", name), "smtp"), "login")) : null,
        MaxConnections = (int)(Long(server["max_connections"]) ?? 8),
    };

    private static Endpoint? Endpoint(JsonObject? endpoint, int tls, int plain, int? starttls = null)
    {
        if (endpoint is null) return null;
        var security = Str(endpoint["security"]) switch
        {
            "starttls" => TransportSecurity.StartTls,
            "none" => TransportSecurity.None,
            _ => TransportSecurity.Tls,
        };
        var defaultPort = security switch { TransportSecurity.Tls => tls, TransportSecurity.StartTls => starttls ?? plain, _ => plain };
        var options = Obj(endpoint["tls"]);
        return new Endpoint
        {
            Host = Str(endpoint["host"])!,
            Port = (int)(Long(endpoint["port"]) ?? defaultPort),
            Security = security,
            Tls = new TlsOptions
            {
                Verify = Bool(options?["verify"]) ?? true,
                CaFile = Str(options?["ca_file"]),
                InsecureReason = Str(options?["insecure_reason"]),
            },
        };
    }

    private AccountDefinition Account(JsonObject account, string path) => new()
    {
        Email = Str(account["email"])!,
        Old = Credential(Obj(account["old"])!, PlanPath.Key(path, "old")),
        New = Credential(Obj(account["new"])!, PlanPath.Key(path, "new")),
        Groups = Items(account["groups"]).Select(g => Str(g.Node)!).ToList(),
        Location = map.ValueAt(path),
    };

    private Credential Credential(JsonObject credential, string path) => new()
    {
        User = Str(credential["user"])!,
        Password = Secret(Obj(credential["password"])!, PlanPath.Key(path, "password")),
    };

    private StateSettings StateOf(JsonObject? state) => new()
    {
        Path = Str(state?["path"]),
        Backend = Str(state?["backend"]) == "postgres" ? StateBackendKind.Postgres : StateBackendKind.Sqlite,
        Connection = Obj(state?["connection"]) is { } connection ? Secret(connection, "state.connection") : null,
    };

    /// <summary>A file reference is written relative to its own file (maybe a template); the model keeps it relative to the plan.</summary>
    private SecretReference Secret(JsonObject secret, string path)
    {
        if (Str(secret["env"]) is { } env) return new SecretReference { Env = env };
        var declaredIn = map.ValueAt(PlanPath.Key(path, "file")).File;
        var full = PlanFiles.Resolve(declaredIn, Str(secret["file"])!);
        return new SecretReference { File = Path.GetRelativePath(planDirectory, full) };
    }
}
