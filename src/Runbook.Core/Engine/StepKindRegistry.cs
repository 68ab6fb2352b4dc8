namespace Runbook.Engine;

/// <summary>The step kinds a run may use, by name. The CLI builds the production set; tests and the test host add their own.</summary>
internal sealed class StepKindRegistry
{
    private readonly Dictionary<string, IStepKind> _kinds = new(StringComparer.Ordinal);

    public StepKindRegistry(IEnumerable<IStepKind>? kinds = null)
    {
        foreach (var kind in kinds ?? [])
        {
            Add(kind);
        }
    }

    public IReadOnlyCollection<string> Names => _kinds.Keys;

    /// <summary>Adds a kind; a second kind with the same name replaces the first (tests override production kinds this way).</summary>
    public StepKindRegistry Add(IStepKind kind)
    {
        _kinds[kind.Name] = kind;
        return this;
    }

    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IStepKind? kind) =>
        _kinds.TryGetValue(name, out kind);

    /// <summary>A new registry with this one's kinds and then <paramref name="extra"/>'s (which win on a clash).</summary>
    public StepKindRegistry With(StepKindRegistry extra) => new(_kinds.Values.Concat(extra._kinds.Values));
}
