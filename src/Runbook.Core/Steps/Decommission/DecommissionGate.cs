using System.Globalization;
using Runbook.Engine;
using Runbook.Plan.Steps;

namespace Runbook.Steps.Decommission;

/// <summary>
/// The three conditions before the old server may go, judged from the state's own records: the last verify before
/// this step passed and started after the last migration or delta-sync pass (step start or ledger write, whichever
/// is later), the step is approved, and with backup targets a backup finished after that last pass.
/// </summary>
internal sealed record DecommissionGate(
    string? VerifyStep, DateTimeOffset? VerifiedAt, DateTimeOffset? LastPassAt, string? LastPassBy, DateTimeOffset? BackupAt, StepApproval? Approval, IReadOnlyList<string> Refusals)
{
    public bool Open => Refusals.Count == 0;

    public static async Task<DecommissionGate> CheckAsync(StepContext context, CancellationToken cancellationToken)
    {
        var plan = context.Plan;
        var records = await context.State.GetStepRecordsAsync(cancellationToken);
        var before = plan.Steps.TakeWhile(s => s.Id != context.Step.Id).ToList();
        var refusals = new List<string>();

        var (lastPassAt, lastPassBy) = await LastPassAsync(context, records, cancellationToken);
        var verify = before.LastOrDefault(s => s.Uses == StepKinds.Verify);
        DateTimeOffset? verifiedAt = null;
        if (verify is null)
        {
            refusals.Add("no verify step comes before this step");
        }
        else if (!records.TryGetValue(verify.Id, out var record) || record.Status != StepStatus.Done || record.StartedAt is null)
        {
            var status = record?.Status.ToString().ToLowerInvariant() ?? "pending";
            refusals.Add($"the last verify ({verify.Id}) has not passed: it is {status}" + (record?.Error is { } e ? $" ({FirstLine(e)})" : ""));
        }
        else
        {
            verifiedAt = record.StartedAt;
            if (lastPassAt > verifiedAt)
            {
                refusals.Add($"{lastPassBy} ran a pass at {Iso(lastPassAt)}, after the last verify ({verify.Id}) started at {Iso(verifiedAt)}: " +
                    $"run `runbook reset {plan.SourcePath} {verify.Id}` and apply again, so the proof covers the last mail copied");
            }
        }

        if (context.Approval is null)
        {
            refusals.Add($"not approved: a person decides that the old server may go (`runbook approve {plan.SourcePath} {context.Step.Id}`)");
        }

        var open = 0;
        foreach (var account in plan.Accounts)
        {
            open += (await context.State.Ledger.ReadExceptionsAsync(account.Email, cancellationToken)).Count(e => e.Open);
        }

        if (open > 0)
        {
            refusals.Add($"{open} message(s) refused or altered by the new server are neither resolved nor accepted: `runbook status {plan.SourcePath}` lists them, " +
                $"`runbook accept {plan.SourcePath} STEP --message ID --reason TEXT` records a person's decision");
        }

        var backupAt = before.Where(s => s.Uses == StepKinds.Backup).Select(s => records.TryGetValue(s.Id, out var r) && r.Status == StepStatus.Done ? r.FinishedAt : null).Max();
        if (plan.BackupTargets.Count > 0 && (backupAt is null || (lastPassAt is not null && backupAt < lastPassAt)))
        {
            refusals.Add($"no final backup: the plan has backup targets ({string.Join(", ", plan.BackupTargets.Select(t => t.Id))}), " +
                (backupAt is null ? "and no mail.backup step before this one has finished" : $"and the last backup finished at {Iso(backupAt)}, before the last pass at {Iso(lastPassAt)}"));
        }

        return new DecommissionGate(verify?.Id, verifiedAt, lastPassAt, lastPassBy, backupAt, context.Approval, refusals);
    }

    /// <summary>The latest moment mail was copied or looked for: a copying step's last start, or the newest ledger entry.</summary>
    private static async Task<(DateTimeOffset?, string?)> LastPassAsync(StepContext context, IReadOnlyDictionary<string, StepRecord> records, CancellationToken cancellationToken)
    {
        var passes = records.Values.Where(r => r.Uses is StepKinds.Migrate or StepKinds.DeltaSync && r.StartedAt is not null)
            .Select(r => (At: r.StartedAt!.Value, By: $"step {r.Id} ({r.Uses})")).ToList();
        foreach (var account in context.Plan.Accounts)
        {
            var entries = await context.State.Ledger.ReadAsync(account.Email, cancellationToken);
            if (entries.Count > 0)
            {
                var newest = entries.MaxBy(e => e.At)!;
                passes.Add((newest.At, $"step {newest.StepId} (copy ledger, {account.Email})"));
            }
        }

        return passes.Count == 0 ? (null, null) : passes.MaxBy(p => p.At) is var last ? (last.At, last.By) : (null, null);
    }

    internal static string Iso(DateTimeOffset? at) => at?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "never";

    private static string FirstLine(string text) => text.Split('\n')[0].TrimEnd('\r');
}
