using System.Text.Json;
using System.Text.Json.Nodes;

namespace Runbook.Plan.Validation;

/// <summary>Type-tolerant reads: the semantic checks run even when the schema found errors, so nothing may throw.</summary>
internal static class JsonRead
{
    public static string? Str(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    public static bool? Bool(JsonNode? node) => node is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? v.GetValue<bool>() : null;

    public static long? Long(JsonNode? node) => node is JsonValue v && v.TryGetValue<long>(out var n) ? n : null;

    public static JsonObject? Obj(JsonNode? node) => node as JsonObject;

    public static IEnumerable<(JsonNode? Node, int Index)> Items(JsonNode? node) =>
        node is JsonArray array ? array.Select((n, i) => (n, i)) : [];

    public static IEnumerable<(string Key, JsonNode? Node)> Entries(JsonNode? node) =>
        node is JsonObject obj ? obj.Select(p => (p.Key, p.Value)) : [];
}
