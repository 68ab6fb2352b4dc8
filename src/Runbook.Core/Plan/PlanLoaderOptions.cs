namespace Runbook.Plan;

/// <summary>Options for <see cref="PlanLoader"/>.</summary>
public sealed record PlanLoaderOptions
{
    /// <summary>
    /// Step kinds accepted besides the built-in ones, with any <c>with:</c> mapping (e.g. kinds only tests register).
    /// </summary>
    public IReadOnlySet<string> ExtraStepKinds { get; init; } = new HashSet<string>(StringComparer.Ordinal);
}
