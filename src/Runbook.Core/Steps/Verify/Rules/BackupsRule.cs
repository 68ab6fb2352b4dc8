using System.Text.Json.Nodes;
using Runbook.Engine;
using Runbook.Plan.Steps;

namespace Runbook.Steps.Verify.Rules;

/// <summary>
/// <c>backups</c>: every <c>mail.backup</c> step before this verify is done and its backups were verified as they were
/// written (<c>backup.verify</c>), and the latest of them finished after the last migration or delta-sync step started,
/// so a backup holds what the move copied. The first backup of the safe sequence comes before any copy, so only the
/// latest one is held to the last pass (as the decommission gate does). Read from the state's records: the backup files
/// themselves are checked by the backup step.
/// </summary>
internal sealed class BackupsRule : IVerifyRule
{
    public string Name => "backups";

    public bool IsOn(VerifySettings settings) => settings.Backups;

    public async Task<RuleResult> CheckAsync(VerifyRun run, CancellationToken cancellationToken)
    {
        var context = run.Context;
        var records = await context.State.GetStepRecordsAsync(cancellationToken);
        var before = context.Plan.Steps.TakeWhile(s => s.Id != context.Step.Id).ToList();
        var lastPass = records.Values.Where(r => r.Uses is StepKinds.Migrate or StepKinds.DeltaSync && r.StartedAt is not null).Select(r => r.StartedAt).Max();
        var failures = new List<string>();
        var steps = new JsonArray();
        var backups = before.Where(s => s.Uses == StepKinds.Backup).ToList();
        if (backups.Count == 0)
        {
            failures.Add($"the plan has backup targets ({string.Join(", ", context.Plan.BackupTargets.Select(t => t.Id))}) but no mail.backup step before {context.Step.Id}");
        }

        foreach (var step in backups)
        {
            var record = records.GetValueOrDefault(step.Id);
            var problem = record is not { Status: StepStatus.Done } ? $"backup step {step.Id} is {(record?.Status ?? StepStatus.Pending).ToString().ToLowerInvariant()}"
                : !context.Plan.BackupVerify ? $"backup step {step.Id} ran without verification (backup.verify: false): run `runbook backup verify {context.Plan.SourcePath}`"
                : null;
            if (problem is not null)
            {
                failures.Add(problem);
            }

            steps.Add(new JsonObject
            {
                ["step"] = step.Id, ["status"] = record?.Status.ToString().ToLowerInvariant() ?? "pending", ["finished_at"] = Iso(record?.FinishedAt),
                ["verified"] = context.Plan.BackupVerify, ["messages"] = record?.Outputs?["messages"]?.DeepClone(),
                ["after_last_pass"] = record?.FinishedAt is { } finished && !(lastPass > finished), ["passed"] = problem is null,
            });
        }

        var latest = backups.Select(s => records.GetValueOrDefault(s.Id)).OfType<StepRecord>().Where(r => r.Status == StepStatus.Done).MaxBy(r => r.FinishedAt);
        if (latest is not null && lastPass > latest.FinishedAt)
        {
            failures.Add($"backup step {latest.Id} finished at {Iso(latest.FinishedAt)}, before the last copy pass at {Iso(lastPass)}: reset it and apply again");
        }

        var summary = failures.Count == 0
            ? $"{backups.Count} backup step(s) done and verified; the latest, {latest?.Id}, finished after the last copy pass"
            : $"{failures.Count} backup problem(s)";
        return new RuleResult(Name, failures.Count == 0, summary, failures, new JsonObject { ["steps"] = steps, ["last_pass_at"] = Iso(lastPass) });
    }

    private static string? Iso(DateTimeOffset? at) => at?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
