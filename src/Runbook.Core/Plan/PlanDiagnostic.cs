namespace Runbook.Plan;

public enum DiagnosticSeverity { Error, Warning }

/// <summary>One finding about a plan, printed as <c>file:line:column: path: message</c> (no path for YAML syntax).</summary>
public sealed record PlanDiagnostic(DiagnosticSeverity Severity, string File, int Line, int Column, string Path, string Message)
{
    public override string ToString() =>
        $"{File}:{Line}:{Column}: {(Severity == DiagnosticSeverity.Warning ? "warning: " : "")}{(Path.Length > 0 ? Path + ": " : "")}{Message}";
}
