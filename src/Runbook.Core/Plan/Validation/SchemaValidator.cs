using System.Text.Json.Nodes;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using NJsonSchema.Validation;
using Runbook.Plan.Loading;

namespace Runbook.Plan.Validation;

/// <summary>
/// Validates the expanded plan against the schema, then each step's <c>with:</c> against its kind's definition
/// (picked in C# from <c>uses</c>, because NJsonSchema ignores if/then), and words every error for people.
/// </summary>
internal sealed class SchemaValidator(JsonSchema schema, SourceMap map, Diagnostics diagnostics)
{
    /// <summary>Paths already reported more precisely by another check (e.g. a literal password).</summary>
    public HashSet<string> Suppressed { get; } = new(StringComparer.Ordinal);

    /// <param name="csvRows">Indices of <c>accounts</c> read from CSV files: checked by <see cref="CsvAccountRules"/> instead.</param>
    public void Validate(JsonObject plan, IReadOnlySet<int> csvRows)
    {
        var accounts = plan["accounts"] as JsonArray;
        var root = (JObject)NewtonsoftBridge.ToToken(plan, (array, i) => array == accounts && csvRows.Contains(i))!;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var error in Flatten(schema.Validate(root))) Report(error, null, seen);
        if (accounts is not null && csvRows.Count > 0) new CsvAccountRules(schema, map, diagnostics).Check(accounts, csvRows);

        if (root["steps"] is not JArray steps) return;
        for (var i = 0; i < steps.Count; i++)
        {
            if (steps[i] is not JObject step || step["uses"] is not JValue { Type: JTokenType.String } uses) continue;
            if (!schema.Definitions.TryGetValue("with." + (string)uses!, out var withSchema)) continue;
            var with = step["with"];
            // A with: that is not a mapping was reported by the main schema already.
            if (with is not null && with.Type != JTokenType.Object) continue;
            // An absent with: still has to satisfy the kind's required parameters; such errors point at the step.
            var detachedPrefix = with is null ? PlanPath.Key(PlanPath.Index("steps", i), "with") : null;
            foreach (var error in Flatten(withSchema.Validate(with ?? new JObject()))) Report(error, detachedPrefix, seen);
        }
    }

    private static IEnumerable<ValidationError> Flatten(IEnumerable<ValidationError> errors)
    {
        foreach (var error in errors)
        {
            if (error is ChildSchemaValidationError child && child.Errors.Count > 0)
            {
                foreach (var inner in Flatten(child.Errors.SelectMany(e => e.Value))) yield return inner;
            }
            else yield return error;
        }
    }

    private void Report(ValidationError error, string? detachedPrefix, HashSet<string> seen)
    {
        var token = error.Token;
        var path = token is null ? "" : PathOf(token, detachedPrefix);
        var actual = error.Schema?.ActualSchema;
        if (Suppressed.Any(s => path == s || path.StartsWith(s + ".", StringComparison.Ordinal) || path.StartsWith(s + "[", StringComparison.Ordinal))) return;
        // Unknown step kinds get a better message (with the registered extra kinds) from the semantic checks.
        if (error.Kind == ValidationErrorKind.NotInEnumeration && path.EndsWith(".uses", StringComparison.Ordinal) && path.StartsWith("steps[", StringComparison.Ordinal)) return;

        var (at, message) = error.Kind switch
        {
            ValidationErrorKind.NoAdditionalPropertiesAllowed => (map.KeyAt(path), UnknownKey(error.Property ?? "", actual)),
            ValidationErrorKind.PropertyRequired when token is JObject => (map.KeyAt(path), $"missing required key '{error.Property}'"),
            ValidationErrorKind.PropertyRequired => (null, ""),
            _ => (map.ValueAt(path), SchemaMessages.Describe(error.Kind, actual, PlanPath.IsSecret(path) ? null : token)),
        };
        if (at is null || !seen.Add(path + "\n" + message)) return;
        diagnostics.Error(at, path, message);
    }

    private static string UnknownKey(string key, JsonSchema? schema)
    {
        var known = schema?.Properties.Keys.Where(k => k != "$schema").ToList() ?? [];
        var hint = Suggest.DidYouMean(key, known);
        if (hint.Length == 0 && known.Count is > 0 and <= 12) hint = $" (expected one of: {string.Join(", ", known)})";
        return $"unknown key '{key}'{hint}";
    }

    /// <summary>The display path of a token, e.g. <c>steps[3].with.source</c>.</summary>
    private static string PathOf(JToken token, string? detachedPrefix)
    {
        var segments = new List<Func<string, string>>();
        var node = token;
        while (node.Parent is not null)
        {
            var parent = node.Parent;
            if (node is JProperty property)
            {
                var name = property.Name;
                segments.Add(p => PlanPath.Key(p, name));
            }
            else if (parent is JArray array)
            {
                var index = array.IndexOf(node);
                segments.Add(p => PlanPath.Index(p, index));
            }
            node = parent;
        }
        var path = detachedPrefix ?? "";
        for (var i = segments.Count - 1; i >= 0; i--) path = segments[i](path);
        return path;
    }
}
