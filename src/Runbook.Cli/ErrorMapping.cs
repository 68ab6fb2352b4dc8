using Runbook.Errors;

namespace Runbook.Cli;

/// <summary>The one place where outcomes become process exit codes (documented in README.md).</summary>
internal static class ErrorMapping
{
    public static ExitCode ExitCodeFor(Exception exception) => exception switch
    {
        RunbookException runbook => runbook.ExitCode,
        OperationCanceledException => ExitCode.Cancelled,
        _ => ExitCode.StepFailed,
    };

    /// <summary>How an apply ended, as an exit code. A refused plan change is a usage matter: rerun with --accept-plan-change.</summary>
    public static ExitCode ExitCodeFor(Runbook.Engine.ApplyResult result) => result switch
    {
        Runbook.Engine.ApplyResult.Completed { OpenExceptions: > 0 } => ExitCode.DoneWithExceptions,
        Runbook.Engine.ApplyResult.Completed => ExitCode.Success,
        Runbook.Engine.ApplyResult.Waiting => ExitCode.Waiting,
        Runbook.Engine.ApplyResult.Failed failed => failed.ExitCode,
        Runbook.Engine.ApplyResult.PlanChanged => ExitCode.Usage,
        Runbook.Engine.ApplyResult.Cancelled => ExitCode.Cancelled,
        _ => ExitCode.StepFailed,
    };

    /// <summary>Runs a verb; an exception becomes its exit code and a one-line message (never a stack trace).</summary>
    public static async Task<int> RunAsync(Func<Task<int>> action, TextWriter error)
    {
        try
        {
            return await action();
        }
        catch (Exception ex) when (ex is RunbookException or OperationCanceledException or IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync(ex is OperationCanceledException ? "runbook: cancelled" : $"runbook: {ex.Message}");
            return (int)ExitCodeFor(ex);
        }
        catch (Exception ex)
        {
            // A bug, not a user mistake: still one line and exit 1, with the type to make the report useful.
            await error.WriteLineAsync($"runbook: unexpected error ({ex.GetType().Name}): {ex.Message}");
            return (int)ExitCodeFor(ex);
        }
    }
}
