using NJsonSchema;

namespace Runbook.Plan.Validation;

/// <summary>The plan's JSON Schema, embedded from <c>schemas/runbook.schema.json</c>, parsed once per process.</summary>
internal static class PlanSchema
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static JsonSchema? parsed;

    public static string Text()
    {
        using var stream = typeof(PlanSchema).Assembly.GetManifestResourceStream("Runbook.schema.json")
            ?? throw new InvalidOperationException("the schema resource Runbook.schema.json is missing from Runbook.Core");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public static async Task<JsonSchema> GetAsync(CancellationToken cancellationToken)
    {
        if (parsed is not null) return parsed;
        await Gate.WaitAsync(cancellationToken);
        try
        {
            return parsed ??= await JsonSchema.FromJsonAsync(Text(), cancellationToken);
        }
        finally
        {
            Gate.Release();
        }
    }
}
