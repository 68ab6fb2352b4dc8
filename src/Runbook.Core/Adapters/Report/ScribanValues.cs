using System.Text.Json;
using System.Text.Json.Nodes;
using Scriban.Runtime;

namespace Runbook.Adapters.Report;

/// <summary>JSON nodes as Scriban values, so a template sees exactly the keys the JSON report has.</summary>
internal static class ScribanValues
{
    public static object? From(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => Object(o),
        JsonArray a => Array(a),
        JsonValue v => Scalar(v),
        _ => node.ToJsonString(),
    };

    private static ScriptObject Object(JsonObject o)
    {
        var result = new ScriptObject(o.Count);
        foreach (var (key, value) in o)
        {
            result[key] = From(value);
        }

        return result;
    }

    private static ScriptArray Array(JsonArray a)
    {
        var result = new ScriptArray(a.Count);
        foreach (var item in a)
        {
            result.Add(From(item));
        }

        return result;
    }

    private static object? Scalar(JsonValue v) => v.GetValueKind() switch
    {
        JsonValueKind.String => v.GetValue<object>() is string s ? s : v.ToString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => v.TryGetValue<long>(out var l) ? l : v.TryGetValue<int>(out var i) ? i : v.TryGetValue<double>(out var d) ? d : v.ToJsonString(),
        _ => null,
    };
}
