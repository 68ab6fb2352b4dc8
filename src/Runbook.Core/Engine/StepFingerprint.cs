using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Runbook.Plan.Model;

namespace Runbook.Engine;

/// <summary>
/// A step's fingerprint: SHA-256 of the canonical JSON of everything that decides what the step does. That is its
/// own definition (id, uses, with, window, approval, requires, retry, timeout), the definition of its window and the
/// plan's time zone when it has one, and the plan sections its kind declares in <see cref="IStepKind.PlanSections"/>
/// (without <c>accounts</c> for kinds that track accounts one by one).
/// The description and source location are left out: rewording a step must not run it again.
/// </summary>
internal static class StepFingerprint
{
    public static string Compute(RunbookPlan plan, StepDefinition step, IStepKind? kind)
    {
        var document = new JsonObject
        {
            ["id"] = step.Id,
            ["uses"] = step.Uses,
            ["with"] = step.With.DeepClone(),
            ["approval"] = step.Approval,
            ["requires"] = new JsonArray([.. step.Requires.Select(r => JsonValue.Create(r))]),
            ["retry"] = new JsonObject { ["attempts"] = step.Retry.Attempts, ["backoff"] = step.Retry.Backoff.ToString("c") },
            ["timeout"] = step.Timeout?.ToString("c"),
        };

        if (step.Window is { } name)
        {
            document["timezone"] = plan.Timezone;
            document["window"] = plan.Windows.TryGetValue(name, out var window) ? Describe(window) : name;
        }

        if (kind is not null && kind.PlanSections.Count > 0)
        {
            var sections = new JsonObject();
            // Per-account kinds keep each account's own fingerprint instead (see AccountScope).
            var sectionNames = kind.Accounts == Accounts.AccountScope.None ? kind.PlanSections : kind.PlanSections.Where(s => s != "accounts");
            foreach (var section in sectionNames.Order(StringComparer.Ordinal))
            {
                sections[section] = plan.Expanded[section]?.DeepClone();
            }

            document["sections"] = sections;
        }

        var bytes = Encoding.UTF8.GetBytes(CanonicalJson.Write(document));
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    private static JsonObject Describe(WindowDefinition window) => new()
    {
        ["name"] = window.Name,
        ["days"] = new JsonArray([.. window.Days.Order().Select(d => JsonValue.Create(d.ToString()))]),
        ["from"] = window.From.ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
        ["to"] = window.To.ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
        ["blackout"] = new JsonArray([.. window.Blackout.Order().Select(d => JsonValue.Create(d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)))]),
    };
}

/// <summary>JSON with object keys sorted (ordinal) at every level, so equal documents hash equally.</summary>
internal static class CanonicalJson
{
    public static string Write(JsonNode? node) => Canonical(node)?.ToJsonString() ?? "null";

    private static JsonNode? Canonical(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Canonical(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Canonical)]),
        null => null,
        _ => node.DeepClone(),
    };
}
