using Runbook.Plan.Model;
using Runbook.Plan.Validation;
using Runbook.Plan.Yaml;

namespace Runbook.Plan.Loading;

/// <summary>
/// Reads an accounts CSV into the same tree an inline account would make, each value positioned at its CSV cell,
/// so later checks (schema, unique emails, groups) point at <c>accounts.csv:line:column</c>.
/// </summary>
internal sealed class CsvAccounts(Diagnostics diagnostics)
{
    private static readonly string[] Required = ["email", "old_user", "old_password", "new_user", "new_password"];
    private static readonly string[] Known = [.. Required, "groups"];

    public List<YamlValue> Read(string fullPath, SourceLocation referencedAt, string path)
    {
        var display = PlanFiles.Display(fullPath);
        string[] lines;
        try
        {
            lines = File.ReadAllLines(fullPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            diagnostics.Error(referencedAt, path, $"cannot read accounts CSV {display}: {ex.Message}");
            return [];
        }

        var header = -1;
        Dictionary<string, int> columns = [];
        var accounts = new List<YamlValue>();
        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n].TrimEnd('\r');
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#')) continue;
            var (fields, error, errorColumn) = CsvLine.Split(line);
            if (error is not null)
            {
                diagnostics.Error(new SourceLocation(display, n + 1, errorColumn), path, error);
                continue;
            }
            if (header < 0)
            {
                header = n;
                columns = ReadHeader(fields, display, n + 1, path);
                if (columns.Count == 0) return [];
                continue;
            }
            var row = ReadRow(fields, columns, display, n + 1, path);
            if (row is not null) accounts.Add(row);
        }
        if (header < 0) diagnostics.Error(referencedAt, path, $"accounts CSV {display} is empty (expected a header: {string.Join(',', Known)})");
        return accounts;
    }

    private Dictionary<string, int> ReadHeader(List<CsvField> fields, string file, int line, string path)
    {
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (field, index) in fields.Select((f, i) => (f, i)))
        {
            var name = field.Text.Trim().ToLowerInvariant();
            if (!Known.Contains(name))
                diagnostics.Error(new SourceLocation(file, line, field.Column), path, $"unknown CSV column '{field.Text}'{Suggest.DidYouMean(name, Known)} (columns: {string.Join(", ", Known)})");
            else columns[name] = index;
        }
        foreach (var missing in Required.Where(r => !columns.ContainsKey(r)))
            diagnostics.Error(new SourceLocation(file, line, 1), path, $"CSV header lacks the column '{missing}'");
        return Required.All(columns.ContainsKey) ? columns : [];
    }

    private YamlMapping? ReadRow(List<CsvField> fields, Dictionary<string, int> columns, string file, int line, string path)
    {
        var width = columns.Values.Max() + 1;
        if (fields.Count != width)
        {
            // Too few: point past the last field; too many: at the first field without a column.
            var column = fields.Count < width ? fields[^1].Column + fields[^1].Text.Length : fields[width].Column;
            diagnostics.Error(new SourceLocation(file, line, column), path, $"row has {fields.Count} fields, the header has {width}");
            return null;
        }
        var rowAt = new SourceLocation(file, line, 1);
        SourceLocation Cell(string column) => new(file, line, fields[columns[column]].Column);
        YamlScalar Text(string column) => new(Cell(column), fields[columns[column]].Text);

        var entries = new List<YamlEntry>
        {
            new("email", Cell("email"), Text("email")),
            Credential("old", rowAt, Text("old_user"), Password(Text("old_password"), path)),
            Credential("new", rowAt, Text("new_user"), Password(Text("new_password"), path)),
        };
        if (columns.TryGetValue("groups", out var g))
        {
            var groups = fields[g].Text.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(name => (YamlValue)new YamlScalar(Cell("groups"), name)).ToList();
            entries.Add(new YamlEntry("groups", Cell("groups"), new YamlSequence(Cell("groups"), groups)));
        }
        return new YamlMapping(rowAt, entries);
    }

    private static YamlEntry Credential(string side, SourceLocation at, YamlScalar user, YamlValue password) =>
        new(side, at, new YamlMapping(at, [new YamlEntry("user", user.Location, user), new YamlEntry("password", password.Location, password)]));

    /// <summary><c>env:NAME</c> or <c>file:path</c>; anything else is left a string, which the secret check rejects.</summary>
    private static YamlValue Password(YamlScalar cell, string path)
    {
        var text = (string)cell.Value!;
        foreach (var kind in new[] { "env", "file" })
        {
            if (text.StartsWith(kind + ":", StringComparison.Ordinal))
                return new YamlMapping(cell.Location, [new YamlEntry(kind, cell.Location, new YamlScalar(cell.Location, text[(kind.Length + 1)..]))]);
        }
        return cell;
    }
}
