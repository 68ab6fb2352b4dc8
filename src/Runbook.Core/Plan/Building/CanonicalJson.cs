using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Runbook.Plan.Building;

/// <summary>
/// Keys sorted (ordinal) at every level, no whitespace: the same plan gives the same hash whatever the key order
/// or formatting of its YAML.
/// </summary>
internal static class CanonicalJson
{
    public static string Hash(JsonObject plan) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sorted(plan)?.ToJsonString() ?? "null")));

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray array => new JsonArray(array.Select(Sorted).ToArray()),
        null => null,
        _ => node.DeepClone(),
    };
}
