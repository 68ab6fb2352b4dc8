using System.Text.Json.Nodes;
using Runbook.Plan.Loading;
using Runbook.Plan.Model;
using static Runbook.Plan.Validation.JsonRead;

namespace Runbook.Plan.Validation;

/// <summary>
/// The checks a schema cannot express: references between parts of the plan, files that must exist, time zones,
/// regexes, step order. They read the JSON defensively because they run even when the schema found errors.
/// </summary>
internal sealed partial class SemanticValidator(JsonObject plan, SourceMap map, Diagnostics diagnostics, PlanLoaderOptions options)
{
    private readonly HashSet<string> emails = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> groups = new(StringComparer.Ordinal);

    public void Run()
    {
        CheckTimezone();
        CheckServers();
        CheckAccounts();
        CheckFolders();
        CheckBackup();
        CheckDns();
        CheckWindows();
        CheckNotifications();
        CheckSteps();
        CheckVerification();
        CheckReportTemplates();
        CheckState();
    }

    private void CheckReportTemplates()
    {
        foreach (var (format, node) in Entries(Obj(plan["report"])?["templates"]))
        {
            var path = PlanPath.Key(PlanPath.Key("report", "templates"), format);
            if (Str(node) is { } file && !File.Exists(PlanFiles.Resolve(map.ValueAt(path).File, file)))
                Error(path, $"template '{file}' not found");
        }
    }

    private void Error(string path, string message) => diagnostics.Error(map.ValueAt(path), path, message);

    private void ErrorAtKey(string path, string message) => diagnostics.Error(map.KeyAt(path), path, message);

    private void CheckTimezone()
    {
        if (Str(plan["timezone"]) is not { } zone) return;
        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(zone);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            Error("timezone", $"unknown time zone '{zone}' (expected an IANA id such as Asia/Tokyo or Europe/Berlin)");
        }
    }

    private void CheckServers()
    {
        foreach (var (side, server) in Entries(Obj(plan["servers"])))
        {
            foreach (var protocol in new[] { "imap", "pop3", "smtp" })
            {
                var path = PlanPath.Key(PlanPath.Key(PlanPath.Key("servers", side), protocol), "tls");
                var endpoint = Obj(Obj(server)?[protocol]);
                if (Str(endpoint?["security"]) == "none" && Str(endpoint?["host"]) is { } host && !IsLoopback(host))
                    diagnostics.Warning(map.ValueAt(PlanPath.Key(PlanPath.Key(PlanPath.Key("servers", side), protocol), "security")),
                        PlanPath.Key(PlanPath.Key(PlanPath.Key("servers", side), protocol), "security"),
                        $"security: none sends passwords and mail in clear text to {host}; use tls or starttls");
                if (endpoint?["tls"] is not JsonObject tls) continue;
                if (Bool(tls["verify"]) == false && string.IsNullOrWhiteSpace(Str(tls["insecure_reason"])))
                    ErrorAtKey(PlanPath.Key(path, "verify"), "verify: false needs an insecure_reason saying why (it is shown in the report)");
                if (Str(tls["ca_file"]) is { } ca && !File.Exists(PlanFiles.Resolve(map.ValueAt(PlanPath.Key(path, "ca_file")).File, ca)))
                    Error(PlanPath.Key(path, "ca_file"), $"CA file '{ca}' not found");
            }
        }
    }

    private void CheckFolders()
    {
        var folders = Obj(plan["folders"]);
        foreach (var (rule, i) in Items(folders?["rename"]))
            CheckRegex(PlanPath.Key(PlanPath.Index("folders.rename", i), "match"), Str(Obj(rule)?["match"]));
        foreach (var (pattern, i) in Items(folders?["exclude"]))
            CheckRegex(PlanPath.Index("folders.exclude", i), Str(pattern));
    }

    private void CheckRegex(string path, string? pattern)
    {
        if (pattern is null) return;
        try
        {
            _ = new System.Text.RegularExpressions.Regex(pattern, System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException ex)
        {
            Error(path, $"invalid regular expression: {ex.Message}");
        }
    }

    private void CheckBackup()
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (target, i) in Items(Obj(plan["backup"])?["targets"]))
        {
            if (Str(Obj(target)?["id"]) is { } id && !ids.Add(id))
                Error(PlanPath.Key(PlanPath.Index("backup.targets", i), "id"), $"duplicate backup target id '{id}'");
        }
    }

    private void CheckDns()
    {
        if (Obj(Obj(plan["dns"])?["update"]) is not { } update || Str(update["provider"]) != "rfc2136") return;
        if (update["key"] is null)
            ErrorAtKey("dns.update", "provider rfc2136 needs a TSIG key (key: {name, secret: {env: NAME}})");
        if (update["server"] is null && !Items(Obj(plan["dns"])?["authoritative"]).Any())
            ErrorAtKey("dns.update", "provider rfc2136 needs an update server (update.server or dns.authoritative)");
    }

    private void CheckNotifications()
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (rule, i) in Items(plan["notifications"]))
        {
            if (Str(Obj(rule)?["id"]) is { } id && !ids.Add(id))
                Error(PlanPath.Key(PlanPath.Index("notifications", i), "id"), $"duplicate notification id '{id}'");
        }
        if (ids.Count > 0 && !HasEndpoint("new", "smtp"))
            ErrorAtKey("notifications", "notifications are sent through servers.new.smtp, which is not defined");
        else
            CheckNotificationSenders();
    }

    private static bool IsLoopback(string host) =>
        host is "localhost" or "::1" || host.StartsWith("127.", StringComparison.Ordinal);

    private bool HasEndpoint(string side, string protocol) => Obj(Obj(Obj(plan["servers"])?[side])?[protocol]) is not null;
}
