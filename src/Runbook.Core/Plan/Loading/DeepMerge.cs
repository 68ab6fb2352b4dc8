using Runbook.Plan.Yaml;

namespace Runbook.Plan.Loading;

/// <summary>
/// The import rule: mappings merge key by key and the importing file wins; anything else (lists, scalars) is
/// replaced whole. Lists are not concatenated so that a plan can always see exactly which steps it runs.
/// </summary>
internal static class DeepMerge
{
    public static YamlMapping Merge(YamlMapping under, YamlMapping over)
    {
        var entries = new List<YamlEntry>(under.Entries.Count + over.Entries.Count);
        foreach (var entry in under.Entries)
        {
            var winner = over.Find(entry.Key);
            if (winner is null) entries.Add(entry);
            else if (entry.Value is YamlMapping a && winner.Value is YamlMapping b)
                entries.Add(winner with { Value = Merge(a, b) });
            else entries.Add(winner);
        }
        entries.AddRange(over.Entries.Where(e => under.Find(e.Key) is null));
        return new YamlMapping(over.Location, entries);
    }
}
