using System.Globalization;
using System.Text.Json.Nodes;
using Runbook.Plan.Steps;
using static Runbook.Plan.Validation.JsonRead;

namespace Runbook.Plan.Validation;

internal sealed partial class SemanticValidator
{
    /// <summary>A verify step's rules need their servers; each error sits where the rule is switched on (with:, else verification:, else the step).</summary>
    private void CheckVerify(JsonObject with, string path)
    {
        if (Rule(with, "send_receive", "send_receive") is { } sendAt && !HasEndpoint("new", "smtp"))
            ErrorAtKey(sendAt.Length > 0 ? sendAt : PlanPath.Key(path, "uses"), "verify sends a test message through servers.new.smtp, which is not defined (or set with: {send_receive: false})");
        if (Rule(with, "mx", "mx_everywhere") is { } mxAt && plan["dns"] is null)
            ErrorAtKey(mxAt.Length > 0 ? mxAt : PlanPath.Key(path, "uses"), "verify checks the MX, but the plan has no dns: section (or set with: {mx: false})");

        // Where the rule is switched on: "" when by default, null when off.
        string? Rule(JsonObject stepWith, string key, string planKey)
        {
            if (Bool(stepWith[key]) is { } set) return set ? PlanPath.Key(PlanPath.Key(path, "with"), key) : null;
            if (Bool(Obj(plan["verification"])?[planKey]) is { } planSet) return planSet ? PlanPath.Key("verification", planKey) : null;
            return "";
        }
    }

    /// <summary>Plan-level: important messages name known accounts and real dates; decommission needs a verify before it.</summary>
    private void CheckVerification()
    {
        foreach (var (node, i) in Items(Obj(plan["verification"])?["important"]))
        {
            var path = PlanPath.Index("verification.important", i);
            var item = Obj(node);
            if (Str(item?["account"]) is { } email && !emails.Contains(email))
                Error(PlanPath.Key(path, "account"), $"unknown account '{email}'{Suggest.DidYouMean(email, emails)}");
            var after = Date(item, path, "after");
            var before = Date(item, path, "before");
            if (after is not null && before is not null && after >= before)
                Error(PlanPath.Key(path, "before"), $"before ({before:yyyy-MM-dd}) must be later than after ({after:yyyy-MM-dd})");
            if (item is not null && item["message_id"] is null && item["subject"] is null && item["from"] is null)
                ErrorAtKey(path, "an important message needs message_id, or subject and/or from to find it by");
        }

        var kinds = Items(plan["steps"]).Select(s => Str(Obj(s.Node)?["uses"])).ToList();
        var at = kinds.IndexOf(StepKinds.Decommission);
        if (at >= 0 && !kinds.Take(at).Contains(StepKinds.Verify))
            ErrorAtKey(PlanPath.Key(PlanPath.Index("steps", at), "uses"),
                "decommission needs a verify step before it: the old server may only go once every message is proven to be on the new one");
    }

    private DateOnly? Date(JsonObject? item, string path, string key)
    {
        if (Str(item?[key]) is not { } text) return null;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)) return day;
        Error(PlanPath.Key(path, key), $"expected a date such as 2026-12-31, got '{text}'");
        return null;
    }
}
