using Runbook.Plan.Validation;
using Runbook.Plan.Yaml;

namespace Runbook.Plan.Loading;

/// <summary>
/// Replaces each <c>{csv: path}</c> item of <c>accounts</c> by the accounts the CSV holds, and says which indices
/// of the expanded list came from CSV files (their fixed shape lets the validator check them more cheaply).
/// </summary>
internal static class AccountExpansion
{
    public static (YamlMapping Root, HashSet<int> CsvRows) Expand(YamlMapping root, Diagnostics diagnostics)
    {
        var csvRows = new HashSet<int>();
        var accounts = root.Find("accounts");
        if (accounts?.Value is not YamlSequence list || !list.Items.Any(IsCsvItem)) return (root, csvRows);

        var reader = new CsvAccounts(diagnostics);
        var items = new List<YamlValue>();
        for (var i = 0; i < list.Items.Count; i++)
        {
            if (!IsCsvItem(list.Items[i])) { items.Add(list.Items[i]); continue; }
            var item = (YamlMapping)list.Items[i];
            var path = PlanPath.Index("accounts", i);
            var csv = item.Find("csv")!;
            foreach (var extra in item.Entries.Where(e => e.Key != "csv"))
                diagnostics.Error(extra.KeyLocation, PlanPath.Key(path, extra.Key), $"an accounts item with 'csv:' takes no other key ('{extra.Key}' belongs in the CSV)");
            if (csv.Value is not YamlScalar { Value: string written } || written.Length == 0)
            {
                diagnostics.Error(csv.Value.Location, PlanPath.Key(path, "csv"), "expected the path of an accounts CSV file");
                continue;
            }
            var file = PlanFiles.Resolve(csv.Value.Location.File, written);
            if (!File.Exists(file))
            {
                diagnostics.Error(csv.Value.Location, PlanPath.Key(path, "csv"), $"accounts CSV '{written}' not found (paths are relative to the file that names it)");
                continue;
            }
            var rows = reader.Read(file, csv.Value.Location, PlanPath.Key(path, "csv"));
            csvRows.UnionWith(Enumerable.Range(items.Count, rows.Count));
            items.AddRange(rows);
        }
        var expanded = accounts with { Value = new YamlSequence(list.Location, items) };
        return (root with { Entries = root.Entries.Select(e => e.Key == "accounts" ? expanded : e).ToList() }, csvRows);
    }

    private static bool IsCsvItem(YamlValue item) => item is YamlMapping m && m.Find("csv") is not null;
}
