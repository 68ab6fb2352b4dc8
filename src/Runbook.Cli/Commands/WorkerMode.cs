using Runbook.Engine;
using Runbook.Engine.Workers;
using Runbook.Errors;
using Runbook.Plan.Model;

namespace Runbook.Cli.Commands;

/// <summary>apply's worker options: <c>--worker</c>, <c>--shard i/N</c> (or a Kubernetes Indexed Job's index), <c>--lease</c>.</summary>
internal static class WorkerMode
{
    /// <summary>Null: an ordinary apply. A shard, given or from the Job's environment, makes the process a worker too.</summary>
    public static WorkerOptions? From(bool worker, string? shard, int leaseSeconds, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var index = environment("JOB_COMPLETION_INDEX");
        var count = environment("JOB_COMPLETIONS");
        var text = shard ?? (worker && index is not null && count is not null ? $"{index}/{count}" : null);
        if (!worker && text is null)
        {
            return null;
        }

        if (leaseSeconds < 3)
        {
            throw new UsageException("--lease must be at least 3 seconds");
        }

        var parsed = text is null ? null : Shard.Parse(text) ?? throw new UsageException($"--shard '{text}' is not i/N with 0 <= i < N");
        return new WorkerOptions { Lease = TimeSpan.FromSeconds(leaseSeconds), Shard = parsed };
    }

    public static Task<ApplyResult> ApplyAsync(PlanRunner runner, RunbookPlan plan, ApplyOptions options, WorkerOptions? workers, CancellationToken cancellationToken) =>
        workers is null ? runner.ApplyAsync(plan, options, cancellationToken) : runner.ApplyAsWorkerAsync(plan, options, workers, cancellationToken);
}
