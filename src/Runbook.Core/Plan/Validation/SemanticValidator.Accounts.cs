using System.Text.Json.Nodes;
using static Runbook.Plan.Validation.JsonRead;

namespace Runbook.Plan.Validation;

internal sealed partial class SemanticValidator
{
    private void CheckAccounts()
    {
        foreach (var (node, i) in Items(plan["accounts"]))
        {
            var path = PlanPath.Index("accounts", i);
            if (Obj(node) is not { } account || account.ContainsKey("csv")) continue;
            foreach (var key in new[] { "email", "old", "new" }.Where(k => !account.ContainsKey(k)))
                ErrorAtKey(path, $"missing required key '{key}' (an account is {{email, old, new, groups}} or {{csv: path}})");
            if (Str(account["email"]) is { } email && !emails.Add(email))
                Error(PlanPath.Key(path, "email"), $"duplicate account '{email}'");
            foreach (var (group, _) in Items(account["groups"]))
            {
                if (Str(group) is { } name) groups.Add(name);
            }
        }
    }

    /// <summary>
    /// Plans live in git, so a password or key written in clear is an error. Runs before the schema so the message
    /// says what to do instead of "expected a mapping"; the paths it reports are returned for the schema to skip.
    /// </summary>
    public static List<string> CheckSecrets(JsonNode? root, Loading.SourceMap map, Diagnostics diagnostics)
    {
        var reported = new List<string>();
        Walk(root, "");
        return reported;

        void Walk(JsonNode? node, string path)
        {
            if (node is JsonArray array)
            {
                for (var i = 0; i < array.Count; i++) Walk(array[i], PlanPath.Index(path, i));
                return;
            }
            if (node is not JsonObject obj) return;
            foreach (var (key, value) in obj)
            {
                var child = PlanPath.Key(path, key);
                if (key is not ("password" or "secret" or "connection")) Walk(value, child);
                else if (value is JsonValue) Literal(key, child);
                else if (value is JsonObject reference && reference.ContainsKey("env") == reference.ContainsKey("file"))
                    diagnostics.Error(map.KeyAt(child), child, "a secret reference names exactly one of env: or file:");
            }
        }

        void Literal(string key, string path)
        {
            var at = map.ValueAt(path);
            diagnostics.Error(at, path, at.File.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)
                ? $"a literal {key} in the CSV: write env:NAME or file:path (plans live in git)"
                : $"a literal {key} is not allowed (plans live in git): write {{env: NAME}} or {{file: path}}");
            reported.Add(path);
        }
    }
}
