using Runbook.Engine;
using Runbook.Errors;
using Runbook.Plan.Model;

namespace Runbook.Adapters.Secrets;

/// <summary>
/// The steps' <see cref="ISecretResolver"/>: turns a <see cref="SecretReference"/> into its value at the moment a step
/// needs it, never earlier. <c>file:</c> references are relative to the plan's folder. Error messages name the
/// reference (<c>env:ALICE_OLD</c>) or a path, never a value.
/// </summary>
internal sealed class PlanSecretResolver(string planDirectory, Func<string, string?>? environment = null) : ISecretResolver
{
    private readonly Func<string, string?> _environment = environment ?? Environment.GetEnvironmentVariable;

    /// <summary>For a plan: file references are relative to the plan's folder; env references read the process environment.</summary>
    public PlanSecretResolver(RunbookPlan plan)
        : this(Path.GetDirectoryName(Path.GetFullPath(plan.SourcePath)) ?? ".")
    {
    }

    public async ValueTask<string> ResolveAsync(SecretReference reference, CancellationToken cancellationToken)
    {
        if (reference.Env is { } name)
        {
            var value = _environment(name);
            return string.IsNullOrEmpty(value)
                ? throw new UsageException($"secret {reference} is not set (export {name}=... before running)")
                : value;
        }

        if (reference.File is { } file)
        {
            var path = Path.GetFullPath(Path.Combine(planDirectory, file));
            string text;
            try
            {
                text = await File.ReadAllTextAsync(path, cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The exception's own message names only the path, which is not secret.
                throw new UsageException($"secret {reference} cannot be read: {ex.Message}");
            }

            // Editors add a final newline; it is never part of a password.
            var value = text.EndsWith("\r\n", StringComparison.Ordinal) ? text[..^2] : text.EndsWith('\n') ? text[..^1] : text;
            return value.Length == 0 ? throw new UsageException($"secret {reference} is empty") : value;
        }

        throw new UsageException("a secret reference names neither env: nor file:");
    }
}
