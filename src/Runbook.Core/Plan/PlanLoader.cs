using Runbook.Plan.Building;
using Runbook.Plan.Loading;
using Runbook.Plan.Validation;

namespace Runbook.Plan;

/// <summary>
/// Load → expand (imports, CSV accounts) → validate (secrets, schema, semantics) → build the model.
/// Never throws on user input: every problem is a <see cref="PlanDiagnostic"/>, and the plan is set only when
/// there is no error.
/// </summary>
public sealed class PlanLoader(PlanLoaderOptions? options = null)
{
    private readonly PlanLoaderOptions options = options ?? new PlanLoaderOptions();

    /// <summary>Synchronous form for callers without async context; runs on the pool so no caller's context can deadlock it.</summary>
    public PlanLoadResult Load(string path) => Task.Run(() => LoadAsync(path, CancellationToken.None)).GetAwaiter().GetResult();

    public async Task<PlanLoadResult> LoadAsync(string path, CancellationToken cancellationToken)
    {
        // Parsing the schema is the slowest part of a cold start (NJsonSchema warms up by reflection); it overlaps
        // with reading the YAML and CSV files on another core. With a cache it waits for the plan to be read, as a
        // plan checked before needs no schema at all.
        var cache = options.SchemaCache;
        var schemaTask = cache is null ? Task.Run(() => PlanSchema.GetAsync(cancellationToken), cancellationToken) : null;
        var diagnostics = new Diagnostics();
        var root = new ImportExpander(diagnostics).Expand(path);
        if (root is null) return new PlanLoadResult(null, diagnostics.Items);

        (root, var csvRows) = AccountExpansion.Expand(root, diagnostics);
        var (json, map) = JsonProjection.Project(root);
        cancellationToken.ThrowIfCancellationRequested();

        var suppressed = SemanticValidator.CheckSecrets(json, map, diagnostics);
        var key = cache is null ? null : SchemaCheckCache.Key(json, csvRows);
        var checkedNow = key is null || !cache!.Holds(key);
        var before = diagnostics.Items.Count;
        if (checkedNow)
        {
            var schema = new SchemaValidator(await (schemaTask ?? PlanSchema.GetAsync(cancellationToken)), map, diagnostics);
            schema.Suppressed.UnionWith(suppressed);
            schema.Validate(json, csvRows);
        }

        var schemaClean = diagnostics.Items.Count == before;
        new SemanticValidator(json, map, diagnostics, options).Run();

        var ordered = diagnostics.Items
            .OrderBy(d => d.Severity)
            .ThenBy(d => d.File, StringComparer.Ordinal).ThenBy(d => d.Line).ThenBy(d => d.Column)
            .ToList();
        if (diagnostics.HasErrors) return new PlanLoadResult(null, ordered);
        if (key is not null && checkedNow && schemaClean) cache!.Remember(key);
        return new PlanLoadResult(new PlanBuilder(json, map, path).Build(), ordered);
    }
}
