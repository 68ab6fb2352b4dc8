using Runbook.Plan.Model;

namespace Runbook.Plan.Loading;

/// <summary>Display path (e.g. <c>steps[2].uses</c>) → where its key and value were written, across imports and CSV files.</summary>
internal sealed class SourceMap
{
    private readonly Dictionary<string, (SourceLocation Value, SourceLocation? Key)> entries = new(StringComparer.Ordinal);

    public SourceMap(SourceLocation root) => entries[""] = (root, null);

    public void Add(string path, SourceLocation value, SourceLocation? key) => entries[path] = (value, key);

    /// <summary>Where the value at <paramref name="path"/> starts, or the nearest enclosing node's position.</summary>
    public SourceLocation ValueAt(string path) => Find(path).Value;

    /// <summary>Where the key of <paramref name="path"/> is written (its value's position for list items).</summary>
    public SourceLocation KeyAt(string path)
    {
        var found = Find(path);
        return found.Key ?? found.Value;
    }

    public bool Contains(string path) => entries.ContainsKey(path);

    private (SourceLocation Value, SourceLocation? Key) Find(string path)
    {
        while (true)
        {
            if (entries.TryGetValue(path, out var found)) return found;
            path = Parent(path);
        }
    }

    private static string Parent(string path)
    {
        // Cut the last segment: ".key", "[3]" or "[\"odd.key\"]".
        var cut = path.EndsWith(']') ? path.LastIndexOf(path.EndsWith("\"]", StringComparison.Ordinal) ? "[\"" : "[", StringComparison.Ordinal) : path.LastIndexOf('.');
        if (cut <= 0) return "";
        return path[..cut] == "$" ? "" : path[..cut];
    }
}
