namespace Runbook.Engine;

/// <summary>A dry run's answer, e.g. "copy 1,204 messages (83 MB) in 12 folders" or "lower MX TTL 3600 → 300".</summary>
internal sealed record StepPreview
{
    /// <summary>One line, what apply would do (or why nothing is left to do).</summary>
    public required string Summary { get; init; }

    /// <summary>Optional detail lines (per account, per folder).</summary>
    public IReadOnlyList<string> Details { get; init; } = [];

    /// <summary>False when the probes found nothing left to do (e.g. the TTL is already lowered).</summary>
    public bool HasChanges { get; init; } = true;

    public static StepPreview Changes(string summary, params IReadOnlyList<string> details) =>
        new() { Summary = summary, Details = details };

    public static StepPreview NothingToDo(string summary) => new() { Summary = summary, HasChanges = false };
}
