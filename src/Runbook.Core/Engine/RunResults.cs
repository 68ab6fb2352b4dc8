using Runbook.Errors;

namespace Runbook.Engine;

/// <summary>How an apply ended. The CLI maps it to an exit code.</summary>
internal abstract record ApplyResult
{
    private ApplyResult() { }

    /// <summary>Every selected step is done; <see cref="OpenExceptions"/> messages were refused or altered and nobody accepted them yet.</summary>
    public sealed record Completed(int Ran, int Skipped) : ApplyResult
    {
        public int OpenExceptions { get; init; }
    }

    /// <summary>A step waits for a time, a window or an approval; the state says so, a later apply resumes.</summary>
    public sealed record Waiting(string StepId, DateTimeOffset? Until, string Reason) : ApplyResult;

    public sealed record Failed(string StepId, string Message, bool Retryable, ExitCode ExitCode = ExitCode.StepFailed) : ApplyResult;

    /// <summary>The plan changed since the state was written and the user did not accept it.</summary>
    public sealed record PlanChanged(PlanDiff Diff) : ApplyResult;

    /// <summary>Ctrl+C: the current unit was finished or abandoned and the state saved.</summary>
    public sealed record Cancelled(string? StepId) : ApplyResult;
}

/// <summary>What <c>apply</c> should run.</summary>
internal sealed record ApplyOptions
{
    public required string StatePath { get; init; }

    /// <summary>Sleep through waits (windows, times, approvals) instead of exiting.</summary>
    public bool Wait { get; init; }

    /// <summary>Run only this step.</summary>
    public string? OnlyStep { get; init; }

    /// <summary>Start at this step (earlier steps are neither run nor required to be done, except as gates).</summary>
    public string? FromStep { get; init; }

    public bool AcceptPlanChange { get; init; }

    /// <summary>Named in the lock file so a blocked user knows what holds it.</summary>
    public string Command { get; init; } = "apply";
}

/// <summary>One step in <c>runbook plan</c>: its recorded status, why it will not run now, and its dry run.</summary>
internal sealed record StepPlan
{
    public required string StepId { get; init; }
    public required string Uses { get; init; }
    public required StepStatus Status { get; init; }
    public StepChangeKind? Change { get; init; }
    public bool WillRun => Status != StepStatus.Done;
    public StepPreview? Preview { get; init; }
    /// <summary>Gates, approvals and windows that will hold the step back, as sentences.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
    /// <summary>A probe that failed (server unreachable, ...).</summary>
    public string? Error { get; init; }
    public ExitCode? ErrorExitCode { get; init; }
}

/// <summary>The dry run of a whole plan.</summary>
internal sealed record PlanPreviewResult(PlanDiff Diff, IReadOnlyList<StepPlan> Steps, bool StateExists)
{
    /// <summary>The plan's <c>notifications:</c> mail, rendered to files (one per rule and event) instead of sent.</summary>
    public IReadOnlyList<string> EventMails { get; init; } = [];

    public bool HasChanges => Diff.Changes.Count > 0 || Steps.Any(s => s.WillRun && (s.Preview?.HasChanges ?? true));
}
