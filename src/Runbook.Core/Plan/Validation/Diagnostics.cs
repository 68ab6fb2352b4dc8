using Runbook.Plan.Model;

namespace Runbook.Plan.Validation;

/// <summary>Collects every finding of one load; nothing in the loader throws on user input.</summary>
internal sealed class Diagnostics
{
    private readonly List<PlanDiagnostic> items = [];

    public IReadOnlyList<PlanDiagnostic> Items => items;

    public bool HasErrors => items.Exists(d => d.Severity == DiagnosticSeverity.Error);

    public void Error(SourceLocation at, string path, string message) =>
        items.Add(new PlanDiagnostic(DiagnosticSeverity.Error, at.File, at.Line, at.Column, path, message));

    public void Warning(SourceLocation at, string path, string message) =>
        items.Add(new PlanDiagnostic(DiagnosticSeverity.Warning, at.File, at.Line, at.Column, path, message));
}
