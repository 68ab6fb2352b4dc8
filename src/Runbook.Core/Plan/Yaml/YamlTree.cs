using Runbook.Plan.Model;

namespace Runbook.Plan.Yaml;

/// <summary>A YAML node with its position: the representation the loader merges before it becomes JSON.</summary>
internal abstract record YamlValue(SourceLocation Location);

internal sealed record YamlMapping(SourceLocation Location, IReadOnlyList<YamlEntry> Entries) : YamlValue(Location)
{
    public YamlEntry? Find(string key) => Entries.FirstOrDefault(e => e.Key == key);
}

internal sealed record YamlEntry(string Key, SourceLocation KeyLocation, YamlValue Value);

internal sealed record YamlSequence(SourceLocation Location, IReadOnlyList<YamlValue> Items) : YamlValue(Location);

/// <summary>A scalar typed by the YAML 1.2 core schema: null, bool, long, double or string.</summary>
internal sealed record YamlScalar(SourceLocation Location, object? Value) : YamlValue(Location)
{
    public string? AsString => Value as string;
}
