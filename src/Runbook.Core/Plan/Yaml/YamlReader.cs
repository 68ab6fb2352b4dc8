using System.Text.RegularExpressions;
using Runbook.Plan.Model;
using Runbook.Plan.Validation;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Runbook.Plan.Yaml;

/// <summary>
/// Reads one YAML file into a positioned tree from the parser's events, so every value keeps its line and column.
/// Duplicate keys, tabs, tags other than <c>!!str</c>, and more than one document are errors.
/// An alias shares its anchor's node here, but every later stage expands it, so a few lines of nested aliases
/// ("billion laughs") would become billions of nodes: the expanded size and the nesting depth are capped.
/// </summary>
internal sealed partial class YamlReader
{
    private const string StrTag = "tag:yaml.org,2002:str";

    /// <summary>Far above any real plan (2,000 inline accounts are ~30,000 nodes), far below what exhausts memory.</summary>
    internal const long MaxExpandedNodes = 1_000_000;

    /// <summary>Real plans nest about 6 deep; the cap keeps the recursive stages far from a stack overflow.</summary>
    internal const int MaxDepth = 64;

    private readonly string file;
    private readonly Diagnostics diagnostics;
    private readonly Dictionary<string, (YamlValue Value, long Size)> anchors = new(StringComparer.Ordinal);
    private long expanded;
    private int depth;
    private Parser parser = null!;
    private Mark lastMark = Mark.Empty;

    private YamlReader(string file, Diagnostics diagnostics)
    {
        this.file = file;
        this.diagnostics = diagnostics;
    }

    /// <summary>The document's root, or null when the text cannot be read (the reason is in <paramref name="diagnostics"/>).</summary>
    public static YamlValue? Read(string file, string text, Diagnostics diagnostics)
    {
        if (ReportTabs(file, text, diagnostics)) return null;
        return new YamlReader(file, diagnostics).ReadStream(text);
    }

    /// <summary>YAML forbids tabs in indentation; the parser's own message for them is cryptic, so say it plainly.</summary>
    private static bool ReportTabs(string file, string text, Diagnostics diagnostics)
    {
        var found = false;
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var match = LeadingWhitespace().Match(lines[i]);
            var tab = match.Value.IndexOf('\t', StringComparison.Ordinal);
            if (tab < 0) continue;
            diagnostics.Error(new SourceLocation(file, i + 1, tab + 1), "", "tab character in indentation: YAML indents with spaces only");
            found = true;
        }
        return found;
    }

    private YamlValue? ReadStream(string text)
    {
        parser = new Parser(new StringReader(text));
        try
        {
            Expect<StreamStart>();
            if (Accept<StreamEnd>(out _))
            {
                diagnostics.Error(At(lastMark), "", "the file is empty");
                return null;
            }
            Expect<DocumentStart>();
            var root = ReadValue("");
            Expect<DocumentEnd>();
            if (!Accept<StreamEnd>(out _))
            {
                diagnostics.Error(At(lastMark), "", "only one YAML document per file (remove the '---' separator)");
                return null;
            }
            return root;
        }
        catch (LimitExceededException)
        {
            return null;
        }
        catch (YamlException ex)
        {
            diagnostics.Error(At(ex.Start), "", "YAML syntax error: " + Lowercase(ex.Message));
            return null;
        }
    }

    private YamlValue ReadValue(string path)
    {
        var ev = Next();
        if (++depth > MaxDepth)
            Fail(ev.Start, "", $"YAML nested more than {MaxDepth} levels deep (no plan needs more than a few)");
        var before = expanded;
        if (ev is not AnchorAlias) expanded++;
        var value = ev switch
        {
            Scalar s => ReadScalar(s, path),
            SequenceStart s => ReadSequence(s, path),
            MappingStart m => ReadMapping(m, path),
            AnchorAlias a => ResolveAlias(a, path),
            _ => throw new YamlException(ev.Start, ev.End, $"unexpected {ev.GetType().Name}"),
        };
        if (ev is NodeEvent { Anchor.IsEmpty: false } node) anchors[node.Anchor.Value] = (value, expanded - before);
        depth--;
        return value;
    }

    private YamlScalar ReadScalar(Scalar s, string path)
    {
        var at = At(s.Start);
        var tagged = !s.Tag.IsEmpty && !s.Tag.IsNonSpecific;
        if (tagged && s.Tag.Value != StrTag)
            diagnostics.Error(at, path, $"YAML tag '{s.Tag.Value}' is not supported (only !!str)");
        if (s.Style != ScalarStyle.Plain || tagged) return new YamlScalar(at, s.Value);
        return new YamlScalar(at, CoreSchema.Resolve(s.Value));
    }

    private YamlSequence ReadSequence(SequenceStart start, string path)
    {
        var items = new List<YamlValue>();
        while (!Accept<SequenceEnd>(out _)) items.Add(ReadValue(PlanPath.Index(path, items.Count)));
        return new YamlSequence(At(start.Start), items);
    }

    private YamlMapping ReadMapping(MappingStart start, string path)
    {
        var entries = new List<YamlEntry>();
        while (!Accept<MappingEnd>(out _))
        {
            var keyEvent = Next();
            if (keyEvent is not Scalar keyScalar)
                throw new YamlException(keyEvent.Start, keyEvent.End, "a key must be a plain name, not a list or mapping");
            var key = keyScalar.Value;
            var keyAt = At(keyScalar.Start);
            var keyPath = PlanPath.Key(path, key);
            var value = ReadValue(keyPath);
            var first = entries.Find(e => e.Key == key);
            if (first is not null)
                diagnostics.Error(keyAt, keyPath, $"duplicate key '{key}' (first defined at line {first.KeyLocation.Line})");
            else
                entries.Add(new YamlEntry(key, keyAt, value));
        }
        return new YamlMapping(At(start.Start), entries);
    }

    private YamlValue ResolveAlias(AnchorAlias alias, string path)
    {
        if (anchors.TryGetValue(alias.Value.Value, out var target))
        {
            expanded += target.Size;
            if (expanded > MaxExpandedNodes)
                Fail(alias.Start, path, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"aliases expand the file to more than {MaxExpandedNodes:N0} values (nested aliases, a \"billion laughs\"?): write the repeated parts out or use fewer nested aliases"));
            return target.Value;
        }
        expanded++;
        diagnostics.Error(At(alias.Start), path, $"unknown anchor '*{alias.Value.Value}'");
        return new YamlScalar(At(alias.Start), null);
    }

    /// <summary>Reports a limit at its position and abandons the file: reading on would only repeat the problem.</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void Fail(Mark at, string path, string message)
    {
        diagnostics.Error(At(at), path, message);
        throw new LimitExceededException();
    }

    private sealed class LimitExceededException : Exception;

    [GeneratedRegex("^[ \t]*")]
    private static partial Regex LeadingWhitespace();
}
