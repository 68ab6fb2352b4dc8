using Runbook.Plan.Model;
using Runbook.Plan.Validation;
using Runbook.Plan.Yaml;

namespace Runbook.Plan.Loading;

/// <summary>Reads a plan and the templates it imports (recursively, relative to the importing file) into one tree.</summary>
internal sealed class ImportExpander(Diagnostics diagnostics)
{
    private readonly List<string> stack = [];

    /// <summary>The merged tree, or null when the plan file itself cannot be read or parsed.</summary>
    public YamlMapping? Expand(string planPath) => Load(Path.GetFullPath(planPath), importedAt: null);

    private YamlMapping? Load(string fullPath, SourceLocation? importedAt)
    {
        var display = PlanFiles.Display(fullPath);
        string text;
        try
        {
            text = File.ReadAllText(fullPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            diagnostics.Error(importedAt ?? new SourceLocation(display, 1, 1), "", $"cannot read {display}: {ex.Message}");
            return null;
        }
        var root = YamlReader.Read(display, text, diagnostics);
        if (root is null) return null;
        if (root is not YamlMapping mapping)
        {
            diagnostics.Error(root.Location, "", "a plan is a mapping of keys (runbook:, name:, steps: …), not a list or a single value");
            return null;
        }

        stack.Add(fullPath);
        var merged = MergeImports(mapping, fullPath);
        stack.RemoveAt(stack.Count - 1);
        return merged;
    }

    private YamlMapping MergeImports(YamlMapping mapping, string fullPath)
    {
        var imports = mapping.Find("imports");
        var own = new YamlMapping(mapping.Location, mapping.Entries.Where(e => e.Key != "imports").ToList());
        if (imports is null) return own;
        if (imports.Value is not YamlSequence list)
        {
            diagnostics.Error(imports.Value.Location, "imports", "expected a list of template paths, e.g. [templates/hosting-move.yaml]");
            return own;
        }

        YamlMapping? merged = null;
        for (var i = 0; i < list.Items.Count; i++)
        {
            var template = Import(list.Items[i], PlanPath.Index("imports", i), fullPath);
            if (template is not null) merged = merged is null ? template : DeepMerge.Merge(merged, template);
        }
        return merged is null ? own : DeepMerge.Merge(merged, own);
    }

    private YamlMapping? Import(YamlValue item, string path, string importingFile)
    {
        if (item is not YamlScalar { Value: string written } || written.Length == 0)
        {
            diagnostics.Error(item.Location, path, "expected a template path (a string)");
            return null;
        }
        var target = PlanFiles.Resolve(importingFile, written);
        var cycleStart = stack.IndexOf(target);
        if (cycleStart >= 0)
        {
            var chain = stack.Skip(cycleStart).Append(target).Select(Path.GetFileName);
            diagnostics.Error(item.Location, path, $"import cycle: {string.Join(" → ", chain)}");
            return null;
        }
        if (!File.Exists(target))
        {
            diagnostics.Error(item.Location, path, $"template '{written}' not found (paths are relative to the importing file)");
            return null;
        }
        return Load(target, item.Location);
    }
}
