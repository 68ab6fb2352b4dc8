using Runbook.Plan.Model;

namespace Runbook.Plan;

/// <summary>The outcome of load → validate: a plan when there is no error, and every diagnostic either way.</summary>
public sealed record PlanLoadResult(RunbookPlan? Plan, IReadOnlyList<PlanDiagnostic> Diagnostics)
{
    public bool IsValid => Plan is not null && Diagnostics.All(d => d.Severity != DiagnosticSeverity.Error);
}
