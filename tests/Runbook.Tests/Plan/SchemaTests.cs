using System.Text.Json.Nodes;
using Runbook.Plan.Steps;
using Runbook.Tests.Support;

namespace Runbook.Tests.Plan;

/// <summary>The schema is what editors show: every property explained, no key left open by accident.</summary>
public sealed class SchemaTests
{
    private static readonly JsonObject Schema = JsonNode.Parse(File.ReadAllText(RepoPaths.Of("schemas", "runbook.schema.json")))!.AsObject();

    private static IEnumerable<(string Path, JsonObject Node)> Objects(JsonNode? node, string path)
    {
        if (node is JsonObject obj)
        {
            yield return (path, obj);
            foreach (var (key, value) in obj)
            {
                foreach (var inner in Objects(value, $"{path}/{key}")) yield return inner;
            }
        }
        else if (node is JsonArray array)
        {
            for (var i = 0; i < array.Count; i++)
            {
                foreach (var inner in Objects(array[i], $"{path}/{i}")) yield return inner;
            }
        }
    }

    /// <summary>The if/then pairs only tell editors which with: definition applies; they declare no properties.</summary>
    private static bool IsConditional(string path) =>
        (path + "/").Contains("/if/", StringComparison.Ordinal) || (path + "/").Contains("/then/", StringComparison.Ordinal);

    [Fact]
    public void Given_the_schema_Then_every_property_has_a_description()
    {
        var undescribed = Objects(Schema, "#")
            .Where(o => o.Path.EndsWith("/properties", StringComparison.Ordinal) && !IsConditional(o.Path))
            .SelectMany(o => o.Node.Where(p => p.Value is JsonObject d && !d.ContainsKey("description")).Select(p => $"{o.Path}/{p.Key}"))
            .ToList();

        Assert.Empty(undescribed);
    }

    [Fact]
    public void Given_the_schema_Then_every_object_with_properties_forbids_unknown_keys()
    {
        var open = Objects(Schema, "#")
            .Where(o => o.Node.ContainsKey("properties") && o.Node["additionalProperties"]?.GetValue<bool>() != false)
            .Where(o => !IsConditional(o.Path))
            .Select(o => o.Path)
            .ToList();

        Assert.Empty(open);
    }

    [Fact]
    public void Given_the_built_in_step_kinds_Then_the_schema_lists_each_with_a_parameter_definition()
    {
        var uses = Schema["definitions"]!["step"]!["properties"]!["uses"]!["enum"]!.AsArray().Select(k => k!.GetValue<string>());
        var definitions = Schema["definitions"]!.AsObject().Select(d => d.Key).Where(k => k.StartsWith("with.", StringComparison.Ordinal)).Select(k => k[5..]);

        Assert.Equal(StepKinds.BuiltIn.Order(), uses.Order());
        Assert.Equal(StepKinds.BuiltIn.Order(), definitions.Order());
    }
}
