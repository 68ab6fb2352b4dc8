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
        // with reading the YAML and CSV files on another core.
        var schemaTask = Task.Run(() => PlanSchema.GetAsync(cancellationToken), cancellationToken);
        var diagnostics = new Diagnostics();
        var root = new ImportExpander(diagnostics).Expand(path);
        if (root is null) return new PlanLoadResult(null, diagnostics.Items);

        (root, var csvRows) = AccountExpansion.Expand(root, diagnostics);
        var (json, map) = JsonProjection.Project(root);
        cancellationToken.ThrowIfCancellationRequested();

        var schema = new SchemaValidator(await schemaTask, map, diagnostics);
        schema.Suppressed.UnionWith(SemanticValidator.CheckSecrets(json, map, diagnostics));
        schema.Validate(json, csvRows);
        new SemanticValidator(json, map, diagnostics, options).Run();

        var ordered = diagnostics.Items
            .OrderBy(d => d.Severity)
            .ThenBy(d => d.File, StringComparer.Ordinal).ThenBy(d => d.Line).ThenBy(d => d.Column)
            .ToList();
        if (diagnostics.HasErrors) return new PlanLoadResult(null, ordered);
        return new PlanLoadResult(new PlanBuilder(json, map, path).Build(), ordered);
    }
}
