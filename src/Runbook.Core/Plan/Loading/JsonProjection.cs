using System.Text.Json.Nodes;
using Runbook.Plan.Validation;
using Runbook.Plan.Yaml;

namespace Runbook.Plan.Loading;

/// <summary>Turns the merged YAML tree into the JSON the schema validates, recording every node's position.</summary>
internal static class JsonProjection
{
    public static (JsonObject Json, SourceMap Map) Project(YamlMapping root)
    {
        var map = new SourceMap(root.Location);
        var json = (JsonObject)Convert(root, "", map)!;
        return (json, map);
    }

    private static JsonNode? Convert(YamlValue value, string path, SourceMap map)
    {
        switch (value)
        {
            case YamlMapping m:
                var obj = new JsonObject();
                foreach (var entry in m.Entries)
                {
                    var childPath = PlanPath.Key(path, entry.Key);
                    map.Add(childPath, entry.Value.Location, entry.KeyLocation);
                    obj[entry.Key] = Convert(entry.Value, childPath, map);
                }
                return obj;
            case YamlSequence s:
                var array = new JsonArray();
                for (var i = 0; i < s.Items.Count; i++)
                {
                    var childPath = PlanPath.Index(path, i);
                    map.Add(childPath, s.Items[i].Location, null);
                    array.Add(Convert(s.Items[i], childPath, map));
                }
                return array;
            case YamlScalar { Value: null }:
                return null;
            case YamlScalar { Value: string text }:
                return JsonValue.Create(text);
            case YamlScalar { Value: bool flag }:
                return JsonValue.Create(flag);
            case YamlScalar { Value: long number }:
                return JsonValue.Create(number);
            case YamlScalar { Value: double real }:
                // JSON has no NaN/Infinity; such a value is never valid in a plan, so keep its text for the message.
                return double.IsFinite(real) ? JsonValue.Create(real) : JsonValue.Create(real.ToString(System.Globalization.CultureInfo.InvariantCulture));
            default:
                throw new InvalidOperationException($"unexpected YAML node {value.GetType().Name}");
        }
    }
}
