using Runbook.Adapters.Dns;
using Runbook.Engine;
using Runbook.Errors;

namespace Runbook.Steps.Dns;

/// <summary>Resolves the plan's TSIG key reference only when an update is about to be sent.</summary>
internal static class DnsKeys
{
    public static async Task<DnsKey> ResolveAsync(StepContext context, CancellationToken cancellationToken)
    {
        var key = context.Plan.Dns?.Key
            ?? throw new UsageException($"step {context.Step.Id}: dns.update.provider is rfc2136 but dns.update.key is not set", ExitCode.InvalidPlan);
        var secret = await context.Secrets.ResolveAsync(key.Secret, cancellationToken);
        var bytes = new byte[secret.Length];
        // The message names the key, never the value: a secret must not reach the journal or the console.
        return Convert.TryFromBase64String(secret.Trim(), bytes, out var length)
            ? new DnsKey(key.Name, key.Algorithm, bytes[..length])
            : throw new UsageException($"the secret of TSIG key '{key.Name}' is not base64 (as tsig-keygen writes it)");
    }
}
