using System.Text.Json;
using System.Text.Json.Nodes;
using Newtonsoft.Json.Linq;

namespace Runbook.Plan.Validation;

/// <summary>
/// NJsonSchema validates Newtonsoft tokens. Converting node by node is cheaper than printing and re-parsing, and
/// lets items checked elsewhere (CSV accounts) be left out without shifting the indices of the others.
/// </summary>
internal static class NewtonsoftBridge
{
    public static JToken? ToToken(JsonNode? node, Func<JsonArray, int, bool>? skip = null) => node switch
    {
        null => JValue.CreateNull(),
        JsonObject obj => new JObject(obj.Select(p => new JProperty(p.Key, ToToken(p.Value, skip)))),
        JsonArray array => new JArray(array.Select((item, i) => skip?.Invoke(array, i) == true ? new JObject() : ToToken(item, skip))),
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => new JValue(value.GetValue<string>()),
            JsonValueKind.True => new JValue(true),
            JsonValueKind.False => new JValue(false),
            JsonValueKind.Number when value.TryGetValue<long>(out var whole) => new JValue(whole),
            JsonValueKind.Number => new JValue(value.GetValue<double>()),
            _ => JValue.CreateNull(),
        },
        _ => JValue.CreateNull(),
    };
}
