using Runbook.Plan;
using Runbook.Plan.Loading;
using Runbook.Plan.Validation;
using Runbook.Tests.Support;

namespace Runbook.Tests.Plan;

/// <summary>
/// A plan whose schema check found nothing is remembered by content and not checked against the schema again; any
/// change to it, its CSV accounts or a finding checks it in full. The cache only ever saves time.
/// </summary>
public sealed class SchemaCheckCacheTests
{
    private const string Csv = "email,old_user,old_password,new_user,new_password,groups\nbob@acme.test,bob,env:BOB_OLD,bob,env:BOB_NEW,\n";

    [Fact]
    public void Given_a_valid_plan_When_loaded_twice_Then_the_first_load_remembers_it_and_the_second_gives_the_same_plan()
    {
        using var dir = new TempDir();
        var cache = new SchemaCheckCache(Path.Combine(dir.Path, "cache"));
        var path = dir.Write("plan.yaml", TestPlans.Minimal);

        var first = Loader(cache).Load(path);
        var entries = Directory.GetFiles(cache.Directory);
        var second = Loader(cache).Load(path);

        Assert.True(first.IsValid, string.Join("\n", first.Diagnostics));
        Assert.Single(entries);
        Assert.True(second.IsValid, string.Join("\n", second.Diagnostics));
        Assert.Equal(first.Diagnostics.Select(d => d.ToString()), second.Diagnostics.Select(d => d.ToString()));
        Assert.Equal(first.Plan!.Accounts.Select(a => a.Email), second.Plan!.Accounts.Select(a => a.Email));
        Assert.Equal(entries, Directory.GetFiles(cache.Directory));
    }

    [Fact]
    public void Given_a_plan_remembered_as_clean_When_loaded_Then_its_schema_check_is_skipped()
    {
        // A plan the schema refuses (an unknown key), planted as clean: only a skipped check lets it through. This is
        // what a hit saves, shown on a plan no real check would have remembered.
        using var dir = new TempDir();
        var cache = new SchemaCheckCache(Path.Combine(dir.Path, "cache"));
        var path = dir.Write("plan.yaml", TestPlans.Minimal + "colour: blue\n");
        var refused = Loader(cache).Load(path);
        Assert.Contains(refused.Diagnostics, d => d.Message.Contains("unknown key 'colour'", StringComparison.Ordinal));
        Assert.False(Directory.Exists(cache.Directory));

        Directory.CreateDirectory(cache.Directory);
        File.WriteAllBytes(Path.Combine(cache.Directory, KeyOf(path)), []);
        var planted = Loader(cache).Load(path);

        Assert.True(planted.IsValid, string.Join("\n", planted.Diagnostics));
        Assert.Contains(new PlanLoader().Load(path).Diagnostics, d => d.Message.Contains("unknown key 'colour'", StringComparison.Ordinal));
    }

    [Fact]
    public void Given_a_remembered_plan_When_its_csv_accounts_change_Then_it_is_checked_again_and_the_bad_row_is_reported()
    {
        using var dir = new TempDir();
        var cache = new SchemaCheckCache(Path.Combine(dir.Path, "cache"));
        dir.Write("accounts.csv", Csv);
        var path = dir.Write("plan.yaml", TestPlans.Minimal.Replace("accounts:\n", "accounts:\n  - { csv: accounts.csv }\n", StringComparison.Ordinal));
        Assert.True(Loader(cache).Load(path).IsValid);

        dir.Write("accounts.csv", Csv.Replace("bob@acme.test", "bobacme.test", StringComparison.Ordinal));
        var changed = Loader(cache).Load(path);

        Assert.False(changed.IsValid);
        Assert.Contains(changed.Diagnostics, d => d.File.EndsWith("accounts.csv", StringComparison.Ordinal) && d.Line == 2);
        Assert.Single(Directory.GetFiles(cache.Directory));
    }

    [Fact]
    public void Given_an_invalid_plan_When_loaded_Then_nothing_is_remembered()
    {
        using var dir = new TempDir();
        var cache = new SchemaCheckCache(Path.Combine(dir.Path, "cache"));
        var path = dir.Write("plan.yaml", TestPlans.Minimal.Replace("timezone: Europe/Berlin", "timezone: Mars/Olympus", StringComparison.Ordinal));

        var result = Loader(cache).Load(path);

        Assert.False(result.IsValid);
        Assert.False(Directory.Exists(cache.Directory));
    }

    [Fact]
    public void Given_a_cache_that_cannot_be_written_When_a_plan_loads_Then_it_loads_as_without_one()
    {
        using var dir = new TempDir();
        var blocked = dir.Write("cache", "a file where the directory would be");
        var path = dir.Write("plan.yaml", TestPlans.Minimal);

        var result = Loader(new SchemaCheckCache(Path.Combine(blocked, "sub"))).Load(path);

        Assert.True(result.IsValid, string.Join("\n", result.Diagnostics));
    }

    [Fact]
    public void Given_a_full_cache_When_one_more_plan_is_remembered_Then_the_oldest_half_goes()
    {
        using var dir = new TempDir();
        var cache = new SchemaCheckCache(Path.Combine(dir.Path, "cache"));
        Directory.CreateDirectory(cache.Directory);
        for (var i = 0; i < SchemaCheckCache.Capacity; i++)
        {
            var entry = Path.Combine(cache.Directory, $"old{i:D3}");
            File.WriteAllBytes(entry, []);
            File.SetLastWriteTimeUtc(entry, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(i));
        }

        cache.Remember("new");

        var left = Directory.GetFiles(cache.Directory).Select(Path.GetFileName).ToList();
        Assert.Equal(SchemaCheckCache.Capacity / 2, left.Count);
        Assert.Contains("new", left);
        Assert.DoesNotContain("old000", left);
        Assert.Contains($"old{SchemaCheckCache.Capacity - 1:D3}", left);
    }

    private static PlanLoader Loader(SchemaCheckCache cache) => new(new PlanLoaderOptions { SchemaCache = cache });

    /// <summary>The key a load of this plan computes, from the same reading of it (imports merged, CSV accounts read).</summary>
    private static string KeyOf(string path)
    {
        var diagnostics = new Diagnostics();
        var root = new ImportExpander(diagnostics).Expand(path)!;
        (root, var csvRows) = AccountExpansion.Expand(root, diagnostics);
        return SchemaCheckCache.Key(JsonProjection.Project(root).Json, csvRows);
    }
}
