using System.Globalization;
using System.Text.Json.Nodes;
using Runbook.Plan.Loading;
using Runbook.Plan.Model;
using Runbook.Plan.Validation;
using static Runbook.Plan.Validation.JsonRead;

namespace Runbook.Plan.Building;

internal sealed partial class PlanBuilder
{
    private static readonly string[] DayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

    private static FolderMapping Folders(JsonObject? folders) => new()
    {
        SpecialUse = Bool(folders?["special_use"]) ?? true,
        Map = Entries(folders?["map"]).ToDictionary(e => e.Key, e => Str(e.Node)!, StringComparer.Ordinal),
        Rename = Items(folders?["rename"]).Select(r => new FolderRename(Str(Obj(r.Node)!["match"])!, Str(Obj(r.Node)!["to"])!)).ToList(),
        Exclude = Items(folders?["exclude"]).Select(e => Str(e.Node)!).ToList(),
    };

    private static BackupTarget BackupTarget(JsonObject target) => new()
    {
        Id = Str(target["id"])!,
        Path = Str(target["path"])!,
        Format = Str(target["format"]) switch { "mbox" => BackupFormat.Mbox, "eml" => BackupFormat.Eml, _ => BackupFormat.Maildir },
    };

    private DnsSettings Dns(JsonObject dns)
    {
        var update = Obj(dns["update"]);
        var key = Obj(update?["key"]);
        var authoritative = Items(dns["authoritative"]).Select(a => Address(Obj(a.Node)!)).ToList();
        return new DnsSettings
        {
            Zone = Str(dns["zone"])!,
            Authoritative = authoritative,
            Resolvers = Items(dns["resolvers"]).Select(a => Address(Obj(a.Node)!)).ToList(),
            Provider = Str(update?["provider"]) == "rfc2136" ? DnsProviderKind.Rfc2136 : DnsProviderKind.Manual,
            UpdateServer = Obj(update?["server"]) is { } server ? Address(server) : authoritative.FirstOrDefault(),
            Key = key is null ? null : new TsigKey
            {
                Name = Str(key["name"])!,
                Algorithm = Str(key["algorithm"]) ?? "hmac-sha256",
                Secret = Secret(Obj(key["secret"])!, "dns.update.key.secret"),
            },
            OldMx = Items(Obj(dns["mx"])?["old"]).Select(m => Mx(Obj(m.Node)!)).ToList(),
            NewMx = Items(Obj(dns["mx"])?["new"]).Select(m => Mx(Obj(m.Node)!)).ToList(),
            LoweredTtl = (int)(Long(dns["lowered_ttl"]) ?? 300),
        };
    }

    private static DnsServerAddress Address(JsonObject address) =>
        new(Str(address["host"])!, (int)(Long(address["port"]) ?? 53), Str(address["name"]));

    private static MxRecord Mx(JsonObject mx) => new((int)Long(mx["preference"])!, Str(mx["host"])!);

    private static WindowDefinition Window(string name, JsonObject window) => new()
    {
        Name = name,
        Days = window["days"] is null ? Enum.GetValues<DayOfWeek>() : Items(window["days"]).Select(d => (DayOfWeek)Array.IndexOf(DayNames, Str(d.Node))).ToList(),
        From = TimeOnly.ParseExact(Str(window["from"])!, "HH:mm", CultureInfo.InvariantCulture),
        To = TimeOnly.ParseExact(Str(window["to"])!, "HH:mm", CultureInfo.InvariantCulture),
        Blackout = Items(window["blackout"]).SelectMany(b => Dates(Str(b.Node)!)).Distinct().Order().ToList(),
    };

    /// <summary>A blackout range is expanded to its days, so the engine only asks "is this date listed".</summary>
    private static IEnumerable<DateOnly> Dates(string text)
    {
        var parts = text.Split("..").Select(p => DateOnly.ParseExact(p, "yyyy-MM-dd", CultureInfo.InvariantCulture)).ToList();
        for (var day = parts[0]; day <= parts[^1]; day = day.AddDays(1)) yield return day;
    }

    private static VerificationRules Verification(JsonObject? rules) => new()
    {
        Counts = Bool(rules?["counts"]) ?? true,
        EveryMessage = Bool(rules?["every_message"]) ?? true,
        Important = Items(rules?["important"]).Select(i => Obj(i.Node)!).Select(i =>
            new ImportantMessage(Str(i["account"])!, Str(i["folder"]), Str(i["message_id"]), Str(i["subject"]), Str(i["from"]), Day(Str(i["after"])), Day(Str(i["before"])))).ToList(),
        MxEverywhere = Bool(rules?["mx_everywhere"]) ?? true,
        Backups = Bool(rules?["backups"]) ?? true,
        SendReceive = Bool(rules?["send_receive"]) ?? true,
    };

    private static DateOnly? Day(string? text) => text is null ? null : DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static NotificationDefinition Notification(JsonObject rule) => new()
    {
        Id = Str(rule["id"])!,
        To = Items(rule["to"]).Select(t => Str(t.Node)!).ToList(),
        From = Str(rule["from"]),
        On = Items(rule["on"]).Select(o => Str(o.Node)!).ToList(),
        Language = Str(rule["language"]) ?? "en",
    };

    private ReportSettings Report(JsonObject? report) => new()
    {
        Path = Str(report?["path"]),
        Formats = report?["formats"] is null ? ["html"] : Items(report["formats"]).Select(f => Str(f.Node)!).ToList(),
        Title = Str(report?["title"]),
        Language = Str(report?["language"]) ?? "en",
        // Resolved against the file that declares them: a template imported from a shared plan stays beside it.
        Templates = Entries(report?["templates"]).Where(e => Str(e.Node) is not null).ToDictionary(
            e => e.Key, e => PlanFiles.Resolve(map.ValueAt(PlanPath.Key(PlanPath.Key("report", "templates"), e.Key)).File, Str(e.Node)!), StringComparer.Ordinal),
    };

    private StepDefinition Step(JsonObject step, string path)
    {
        var retry = Obj(step["retry"]);
        Duration.TryParse(Str(retry?["backoff"]) ?? "30s", out var backoff);
        return new StepDefinition
        {
            Id = Str(step["id"])!,
            Uses = Str(step["uses"])!,
            Description = Str(step["description"]),
            With = (Obj(step["with"])?.DeepClone() as JsonObject) ?? [],
            Window = Str(step["window"]),
            Approval = Bool(step["approval"]) ?? false,
            Requires = Items(step["requires"]).Select(r => Str(r.Node)!).ToList(),
            Retry = new RetryPolicy { Attempts = (int)(Long(retry?["attempts"]) ?? 1), Backoff = backoff },
            Timeout = Duration.TryParse(Str(step["timeout"]), out var timeout) ? timeout : null,
            Location = map.ValueAt(path),
        };
    }
}
