namespace Runbook.Plan;

/// <summary>Options for <see cref="PlanLoader"/>.</summary>
public sealed record PlanLoaderOptions
{
    /// <summary>
    /// Step kinds accepted besides the built-in ones, with any <c>with:</c> mapping (e.g. kinds only tests register).
    /// </summary>
    public IReadOnlySet<string> ExtraStepKinds { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// Where plans whose schema check found nothing are remembered, so the same plan is not checked again (the engine
    /// verbs' runs); null checks every time (<c>runbook validate</c>, tests).
    /// </summary>
    internal Validation.SchemaCheckCache? SchemaCache { get; init; }
}
