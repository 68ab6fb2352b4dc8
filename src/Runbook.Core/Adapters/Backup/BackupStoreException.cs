using Runbook.Errors;

namespace Runbook.Adapters.Backup;

/// <summary>The backup store cannot be used as asked (not writable, too small, an unreadable manifest). Not retryable: a person must act.</summary>
internal sealed class BackupStoreException(string message, Exception? inner = null) : RunbookException(message, inner)
{
    public override bool Retryable => false;
    public override ExitCode ExitCode => ExitCode.StepFailed;
}
