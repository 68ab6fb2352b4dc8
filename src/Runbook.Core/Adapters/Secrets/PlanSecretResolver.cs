using Runbook.Engine;
using Runbook.Plan.Model;

namespace Runbook.Adapters.Secrets;

/// <summary>The steps' <see cref="ISecretResolver"/>: the plan's own rules (<see cref="Runbook.Secrets.SecretResolver"/>), one set for env: and file:.</summary>
internal sealed class PlanSecretResolver(RunbookPlan plan) : ISecretResolver
{
    private readonly Runbook.Secrets.SecretResolver _resolver = Runbook.Secrets.SecretResolver.ForPlan(plan);

    public async ValueTask<string> ResolveAsync(SecretReference reference, CancellationToken cancellationToken) =>
        await _resolver.ResolveAsync(reference, cancellationToken);
}
