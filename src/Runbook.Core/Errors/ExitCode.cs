namespace Runbook.Errors;

/// <summary>The process exit codes, documented in README.md. Only the CLI's error mapping turns outcomes into these.</summary>
public enum ExitCode
{
    Success = 0,
    StepFailed = 1,
    ChangesPending = 2,
    Waiting = 3,
    Usage = 64,
    InvalidPlan = 65,
    Unreachable = 69,
    Locked = 75,
    AuthenticationFailed = 77,
    Cancelled = 130,
}
