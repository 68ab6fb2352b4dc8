using System.Globalization;
using System.Text.Json.Nodes;
using Runbook.Plan.Steps;
using static Runbook.Plan.Validation.JsonRead;

namespace Runbook.Plan.Validation;

internal sealed partial class SemanticValidator
{
    private bool reportedNoAccounts;

    private void CheckSteps()
    {
        var earlier = new Dictionary<string, int>(StringComparer.Ordinal);
        var all = Items(plan["steps"]).Select(s => Str(Obj(s.Node)?["id"])).Where(id => id is not null).ToHashSet(StringComparer.Ordinal);
        var known = StepKinds.BuiltIn.Concat(options.ExtraStepKinds).ToList();
        foreach (var (node, i) in Items(plan["steps"]))
        {
            var path = PlanPath.Index("steps", i);
            if (Obj(node) is not { } step) continue;
            var id = Str(step["id"]);
            if (id is not null && earlier.TryGetValue(id, out var first))
                Error(PlanPath.Key(path, "id"), $"duplicate step id '{id}' (also steps[{first}])");

            CheckRequires(step, path, earlier, all, id);
            if (Str(step["window"]) is { } window && Obj(plan["windows"])?.ContainsKey(window) != true)
                Error(PlanPath.Key(path, "window"), $"unknown window '{window}'{Suggest.DidYouMean(window, Entries(plan["windows"]).Select(e => e.Key))}");

            if (Str(step["uses"]) is { } uses)
            {
                if (!known.Contains(uses))
                    Error(PlanPath.Key(path, "uses"), $"unknown step kind '{uses}'{Suggest.DidYouMean(uses, known)}");
                else if (!options.ExtraStepKinds.Contains(uses))
                    CheckKind(uses, Obj(step["with"]) ?? [], path);
            }
            if (id is not null) earlier.TryAdd(id, i);
        }
        CheckOrder();
    }

    private void CheckRequires(JsonObject step, string path, Dictionary<string, int> earlier, HashSet<string?> all, string? id)
    {
        foreach (var (node, j) in Items(step["requires"]))
        {
            if (Str(node) is not { } required || earlier.ContainsKey(required)) continue;
            var at = PlanPath.Index(PlanPath.Key(path, "requires"), j);
            if (required == id) Error(at, "a step cannot require itself");
            else if (all.Contains(required)) Error(at, $"'{required}' is a later step: requires names only earlier steps (reorder the steps)");
            else Error(at, $"unknown step '{required}'{Suggest.DidYouMean(required, all.OfType<string>())}");
        }
    }

    private void CheckKind(string kind, JsonObject with, string path)
    {
        var withPath = PlanPath.Key(path, "with");
        if (StepKinds.SelectsAccounts(kind)) CheckSelector(with["accounts"], PlanPath.Key(withPath, "accounts"), path);
        // Without a servers: mapping the schema has said so already; every mail step repeating it is noise.
        // mail.restore reads a backup, not the old server; mail.backup of the new server reads servers.new.
        var readsOld = kind != StepKinds.Restore && !(kind == StepKinds.Backup && Str(with["server"]) == "new");
        if (StepKinds.IsMail(kind) && plan["servers"] is JsonObject && !readsOld && !HasEndpoint("new", "imap"))
            ErrorAtKey(PlanPath.Key(path, "uses"), $"{kind} needs servers.new.imap");
        if (StepKinds.IsMail(kind) && plan["servers"] is JsonObject && readsOld)
        {
            var source = Str(with["source"]) ?? (kind == StepKinds.Backup && !HasEndpoint("old", "imap") ? "pop3" : "imap");
            if (!HasEndpoint("old", source))
                ErrorAtKey(with.ContainsKey("source") ? PlanPath.Key(withPath, "source") : PlanPath.Key(path, "uses"),
                    $"{kind} reads the old server over {source}, but servers.old.{source} is not defined{(source == "imap" && HasEndpoint("old", "pop3") ? " (the old server has pop3: set with: {source: pop3})" : "")}");
            if (kind != StepKinds.Backup && !HasEndpoint("new", "imap"))
                ErrorAtKey(PlanPath.Key(path, "uses"), $"{kind} needs servers.new.imap (the destination)");
        }
        if (StepKinds.IsDns(kind) && plan["dns"] is null)
            ErrorAtKey(PlanPath.Key(path, "uses"), $"{kind} needs a dns: section (zone, resolvers, update, mx)");
        switch (kind)
        {
            case StepKinds.Backup: CheckBackupStep(with, path); break;
            case StepKinds.Restore: CheckRestoreStep(with, path); break;
            case StepKinds.DeltaSync: CheckDeltaSync(with, path); break;
            case StepKinds.SwitchMx when plan["dns"] is not null && !Items(Obj(Obj(plan["dns"])?["mx"])?["new"]).Any():
                ErrorAtKey(PlanPath.Key(path, "uses"), "dns.switch_mx needs the new MX records (dns.mx.new)");
                break;
            case StepKinds.Verify: CheckVerify(with, path); break;
            case StepKinds.Notify:
                if (!HasEndpoint("new", "smtp")) ErrorAtKey(PlanPath.Key(path, "uses"), "notify sends through servers.new.smtp, which is not defined");
                var template = Str(with["template"]) ?? "message";
                if (template != "client_settings" && with["to"] is null && !Items(plan["notifications"]).Any())
                    ErrorAtKey(PlanPath.Key(path, "uses"), "notify needs with: {to: [...]} or a notifications: entry to send to");
                if (template == "message" && with["message"] is null)
                    ErrorAtKey(PlanPath.Key(path, "with"), "missing required key 'message' (or template: announcement | client_settings)");
                if (template == "client_settings") CheckSelector(with["accounts"], PlanPath.Key(PlanPath.Key(path, "with"), "accounts"), path);
                if (HasEndpoint("new", "smtp")) CheckNotifySender(with, path);
                break;
        }
    }

    private void CheckSelector(JsonNode? selector, string path, string stepPath)
    {
        if (selector is null || Str(selector) == "all")
        {
            // Said once, at the first step that needs accounts: every later one would repeat it.
            if (emails.Count == 0 && !Items(plan["accounts"]).Any() && !reportedNoAccounts)
                ErrorAtKey(PlanPath.Key(stepPath, "uses"), "the step works on all accounts, but the plan has none (add accounts:)");
            reportedNoAccounts = true;
            return;
        }
        if (Str(selector) is { } text && text.StartsWith("group:", StringComparison.Ordinal))
        {
            var group = text["group:".Length..];
            if (!groups.Contains(group)) Error(path, $"no account is in group '{group}'{Suggest.DidYouMean(group, groups)}");
            return;
        }
        foreach (var (node, i) in Items(selector))
        {
            if (Str(node) is { } email && !emails.Contains(email))
                Error(PlanPath.Index(path, i), $"unknown account '{email}'{Suggest.DidYouMean(email, emails)}");
        }
    }

    private void CheckBackupStep(JsonObject with, string path)
    {
        var targets = Items(Obj(plan["backup"])?["targets"]).Select(t => Str(Obj(t.Node)?["id"])).OfType<string>().ToList();
        if (targets.Count == 0) ErrorAtKey(PlanPath.Key(path, "uses"), "mail.backup needs backup.targets (where to write the backup)");
        foreach (var (node, i) in Items(with["targets"]))
        {
            if (Str(node) is { } id && targets.Count > 0 && !targets.Contains(id))
                Error(PlanPath.Index(PlanPath.Key(PlanPath.Key(path, "with"), "targets"), i), $"unknown backup target '{id}'{Suggest.DidYouMean(id, targets)}");
        }
    }

    private void CheckRestoreStep(JsonObject with, string path)
    {
        var targets = Items(Obj(plan["backup"])?["targets"]).Select(t => Str(Obj(t.Node)?["id"])).OfType<string>().ToList();
        if (targets.Count == 0) ErrorAtKey(PlanPath.Key(path, "uses"), "mail.restore needs backup.targets (the backup to restore from)");
        if (Str(with["target"]) is { } id && targets.Count > 0 && !targets.Contains(id))
            Error(PlanPath.Key(PlanPath.Key(path, "with"), "target"), $"unknown backup target '{id}'{Suggest.DidYouMean(id, targets)}");
    }

    private void CheckDeltaSync(JsonObject with, string path)
    {
        var withPath = PlanPath.Key(path, "with");
        if (with.ContainsKey("until") == with.ContainsKey("for"))
            ErrorAtKey(with.Count > 0 ? withPath : PlanPath.Key(path, "uses"), "mail.delta_sync needs exactly one of until: (a date and time) or for: (a duration)");
        var propagation = Str(with["until"]) == "propagation";
        if (Str(with["until"]) is { } until && !propagation && !IsoWithOffset(until))
            Error(PlanPath.Key(withPath, "until"), $"expected an ISO 8601 date and time with offset such as 2026-12-01T06:00:00+09:00, or propagation, got '{until}'");
        if (with.ContainsKey("margin") && !propagation)
            Error(PlanPath.Key(withPath, "margin"), "margin only applies to until: propagation");
        // The deadline is computed from the switch's recorded outputs, so the switch must come first.
        if (propagation && !EarlierKind(path, StepKinds.SwitchMx))
            Error(PlanPath.Key(withPath, "until"), "until: propagation counts from the MX switch, but no dns.switch_mx step comes before this step");
    }

    private bool EarlierKind(string stepPath, string kind)
    {
        var index = int.Parse(stepPath[(stepPath.IndexOf('[', StringComparison.Ordinal) + 1)..stepPath.IndexOf(']', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
        return Items(plan["steps"]).Any(s => s.Index < index && Str(Obj(s.Node)?["uses"]) == kind);
    }

    private static bool IsoWithOffset(string text) =>
        DateTimeOffset.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mmK"], CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
        && (text.EndsWith('Z') || text.Contains('+', StringComparison.Ordinal) || text.LastIndexOf('-') > 10);
}
