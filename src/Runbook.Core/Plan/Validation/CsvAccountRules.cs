using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using NJsonSchema.Validation;
using static Runbook.Plan.Validation.JsonRead;

namespace Runbook.Plan.Validation;

/// <summary>
/// Accounts read from a CSV always have the same shape (the reader builds them), so only their values can be
/// wrong. Checking those values with the schema's own patterns, instead of running the full validator on
/// thousands of rows, keeps <c>validate</c> fast on large customers while the rules stay defined once.
/// </summary>
internal sealed class CsvAccountRules(JsonSchema schema, Loading.SourceMap map, Diagnostics diagnostics)
{
    private readonly Dictionary<string, Regex> patterns = new(StringComparer.Ordinal);

    public void Check(JsonArray accounts, IReadOnlySet<int> rows)
    {
        var account = schema.Definitions["account"];
        var email = account.Properties["email"];
        var group = account.Properties["groups"].Item!;
        var user = schema.Definitions["credential"].Properties["user"];
        var secret = schema.Definitions["secret"];
        foreach (var i in rows.Order())
        {
            var path = PlanPath.Index("accounts", i);
            var item = Obj(accounts[i]);
            Value(email, item?["email"], PlanPath.Key(path, "email"));
            foreach (var side in new[] { "old", "new" })
            {
                var sidePath = PlanPath.Key(path, side);
                Value(user, Obj(item?[side])?["user"], PlanPath.Key(sidePath, "user"));
                foreach (var (kind, reference) in Entries(Obj(item?[side])?["password"]))
                    Value(secret.Properties[kind], reference, PlanPath.Key(PlanPath.Key(sidePath, "password"), kind));
            }
            foreach (var (name, j) in Items(item?["groups"]))
                Value(group, name, PlanPath.Index(PlanPath.Key(path, "groups"), j));
        }
    }

    private void Value(JsonSchema rule, JsonNode? node, string path)
    {
        if (Str(node) is not { } text) return;
        var kind = text.Length < (rule.MinLength ?? 0) ? ValidationErrorKind.StringTooShort
            : rule.Pattern is { } pattern && !Pattern(pattern).IsMatch(text) ? ValidationErrorKind.PatternMismatch
            : ValidationErrorKind.Unknown;
        if (kind != ValidationErrorKind.Unknown)
            diagnostics.Error(map.ValueAt(path), path, SchemaMessages.Describe(kind, rule, PlanPath.IsSecret(path) ? null : new JValue(text)));
    }

    private Regex Pattern(string pattern)
    {
        if (!patterns.TryGetValue(pattern, out var regex))
            patterns[pattern] = regex = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        return regex;
    }
}
