using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Runbook.Plan.Validation;

/// <summary>
/// Plans whose schema check found nothing, remembered by content so the next run of the same plan skips it. A run
/// that finds nothing new (a delta pass every few minutes) spent about a sixth of its time there: parsing the 53 KB
/// schema into NJsonSchema's objects, whose Newtonsoft readers compile at run time. The key is a SHA-256 over the plan
/// as the schema sees it (imports merged, CSV accounts read) and the build of Runbook.Core, which embeds the schema and
/// the validator: any change to the plan, its imports, its CSV files or the program checks it again. A check that
/// found anything, even a warning, and a plan with any error are not remembered, so a hit adds nothing a check would
/// have said. The semantic checks always run. Each entry is an empty file; the cache is only ever a speed-up, so a
/// directory that cannot be read or written is passed over.
/// </summary>
internal sealed class SchemaCheckCache(string directory)
{
    /// <summary>Entries kept; beyond that the oldest half goes (one per plan version, a few hundred bytes of metadata each).</summary>
    internal const int Capacity = 256;

    private static readonly string Build = typeof(SchemaCheckCache).Assembly.ManifestModule.ModuleVersionId.ToString("N");

    public string Directory => directory;

    public static string Key(JsonObject plan, IReadOnlySet<int> csvRows)
    {
        var text = $"{Build}\n{string.Join(',', csvRows.Order())}\n{plan.ToJsonString()}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    public bool Holds(string key)
    {
        try
        {
            return File.Exists(Path.Combine(directory, key));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public void Remember(string key)
    {
        try
        {
            System.IO.Directory.CreateDirectory(directory);
            File.WriteAllBytes(Path.Combine(directory, key), []);
            var entries = new DirectoryInfo(directory).GetFiles();
            if (entries.Length > Capacity)
            {
                foreach (var old in entries.OrderBy(f => f.LastWriteTimeUtc).Take(entries.Length - Capacity / 2))
                {
                    old.Delete();
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not remembered: the next run checks the plan again.
        }
    }

    /// <summary>$XDG_CACHE_HOME/runbook/schema-checked, else ~/.cache/runbook/schema-checked; null without a home.</summary>
    public static SchemaCheckCache? ForUser()
    {
        var root = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg
            : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) is { Length: > 0 } home ? Path.Combine(home, ".cache")
            : null;
        return root is null ? null : new SchemaCheckCache(Path.Combine(root, "runbook", "schema-checked"));
    }
}
