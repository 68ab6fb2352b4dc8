namespace Runbook.Engine;

/// <summary>Where a step stands in the state database.</summary>
internal enum StepStatus
{
    /// <summary>Never run, reset, or invalidated by a plan change.</summary>
    Pending,
    /// <summary>An apply started it and has not recorded an end (still running, or the process died).</summary>
    Running,
    /// <summary>Waiting for a time, a window or an approval.</summary>
    Waiting,
    Done,
    Failed,
}
