namespace Runbook.Errors;

/// <summary>The process exit codes, documented in README.md. Only the CLI's error mapping turns outcomes into these.</summary>
public enum ExitCode
{
    Success = 0,
    StepFailed = 1,
    ChangesPending = 2,
    Waiting = 3,
    /// <summary>
    /// Every step ran, but messages were refused or altered by the new server and no person has accepted them yet
    /// (<c>runbook status</c> lists them, <c>runbook accept</c> records a decision). Not success: mail is not all there as it was.
    /// </summary>
    DoneWithExceptions = 4,
    /// <summary>
    /// The run cannot go on as asked: bad usage, a changed plan not accepted, or a valid plan using a step kind this
    /// build cannot run yet. Not 65: validate accepts such a plan, and the fix is an operator's choice, not a plan error.
    /// </summary>
    Usage = 64,
    /// <summary>The plan does not validate (<c>runbook validate</c> lists why).</summary>
    InvalidPlan = 65,
    Unreachable = 69,
    Locked = 75,
    AuthenticationFailed = 77,
    Cancelled = 130,
}
