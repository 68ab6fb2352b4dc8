namespace Runbook.Errors;

/// <summary>Root of Runbook's own failures. <see cref="Retryable"/> says whether trying again may help.</summary>
public abstract class RunbookException : Exception
{
    protected RunbookException(string message, Exception? inner = null) : base(message, inner) { }

    public abstract bool Retryable { get; }
    public abstract ExitCode ExitCode { get; }
}

/// <summary>A server could not be reached (DNS, TCP, TLS handshake, certificate). Retryable.</summary>
public sealed class ServerUnreachableException(string message, Exception? inner = null) : RunbookException(message, inner)
{
    public override bool Retryable => true;
    public override ExitCode ExitCode => ExitCode.Unreachable;
}

/// <summary>A server refused the credentials. Not retryable: the plan or the secret must change.</summary>
public sealed class AuthenticationFailedException(string message, Exception? inner = null) : RunbookException(message, inner)
{
    public override bool Retryable => false;
    public override ExitCode ExitCode => ExitCode.AuthenticationFailed;
}

/// <summary>Another process holds the state lock.</summary>
public sealed class StateLockedException(string message) : RunbookException(message)
{
    public override bool Retryable => false;
    public override ExitCode ExitCode => ExitCode.Locked;
}

/// <summary>A step failed; <paramref name="retryable"/> decides whether the engine may try it again.</summary>
public sealed class StepFailedException(string message, bool retryable, Exception? inner = null) : RunbookException(message, inner)
{
    public override bool Retryable { get; } = retryable;
    public override ExitCode ExitCode => ExitCode.StepFailed;
}

/// <summary>The user's input (a plan, a flag, a secret reference) is unusable.</summary>
public sealed class UsageException(string message, ExitCode exitCode = ExitCode.Usage) : RunbookException(message)
{
    public override bool Retryable => false;
    public override ExitCode ExitCode { get; } = exitCode;
}
