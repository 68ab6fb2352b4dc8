using Runbook.Engine;
using Runbook.Errors;
using Runbook.Plan.Model;

namespace Runbook.Adapters.Secrets;

/// <summary>Resolves <c>env:</c> and <c>file:</c> secret references. Relative files are read beside the plan.</summary>
internal sealed class SecretResolver(string baseDirectory) : ISecretResolver
{
    public async ValueTask<string> ResolveAsync(SecretReference reference, CancellationToken cancellationToken)
    {
        if (reference.Env is { } name)
        {
            return Environment.GetEnvironmentVariable(name)
                ?? throw new UsageException($"secret {reference} is not set (environment variable {name} is missing)");
        }

        if (reference.File is { } file)
        {
            var path = Path.GetFullPath(file, baseDirectory);
            if (!File.Exists(path))
            {
                throw new UsageException($"secret {reference} is missing (no file at {path})");
            }

            // A trailing newline is how editors save files, not part of the secret.
            return (await File.ReadAllTextAsync(path, cancellationToken)).TrimEnd('\r', '\n');
        }

        throw new UsageException("a secret reference names neither env nor file");
    }
}
