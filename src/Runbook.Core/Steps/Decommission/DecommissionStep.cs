using System.Text.Json.Nodes;
using Runbook.Engine;

namespace Runbook.Steps.Decommission;

/// <summary>
/// <c>decommission</c>: a gate, never a deletion. Once the last verify passed after the last copy pass, a person
/// approved, and (with backup targets) a final backup exists, it records the decision in the state and the journal
/// and says what may now be switched off and what to keep. It touches no server.
/// </summary>
internal sealed class DecommissionStep : IStepKind
{
    /// <summary>How long the handover advises keeping the backups: long enough for a customer to notice a missing folder.</summary>
    private static readonly TimeSpan KeepBackups = TimeSpan.FromDays(90);

    public string Name => "decommission";

    public IReadOnlyList<string> PlanSections => ["servers", "backup", "dns"];

    public async Task<StepPreview> PreviewAsync(StepContext context, CancellationToken cancellationToken)
    {
        var gate = await DecommissionGate.CheckAsync(context, cancellationToken);
        return gate.Open
            ? StepPreview.Changes("record that the old server may be switched off (nothing is deleted)", [.. Handover(context, context.Time.GetUtcNow())])
            : StepPreview.Changes($"would refuse: {gate.Refusals.Count} condition(s) not met", [.. gate.Refusals]);
    }

    public async Task<StepOutcome> ApplyAsync(StepContext context, CancellationToken cancellationToken)
    {
        var gate = await DecommissionGate.CheckAsync(context, cancellationToken);
        if (!gate.Open)
        {
            return StepOutcome.Fail($"decommission refused; the old server must stay:{Environment.NewLine}{string.Join(Environment.NewLine, gate.Refusals.Select(r => "  " + r))}", retryable: false);
        }

        var now = context.Time.GetUtcNow();
        var handover = Handover(context, now);
        foreach (var line in handover)
        {
            context.Log.Info(line);
        }

        var outputs = new JsonObject
        {
            ["summary"] = $"the old server may be switched off: decided {DecommissionGate.Iso(now)}, approved by {gate.Approval!.By}",
            ["decided_at"] = DecommissionGate.Iso(now),
            ["approved_by"] = gate.Approval.By,
            ["approved_at"] = DecommissionGate.Iso(gate.Approval.At),
            ["verify_step"] = gate.VerifyStep,
            ["verified_at"] = DecommissionGate.Iso(gate.VerifiedAt),
            ["last_pass_at"] = gate.LastPassAt is null ? null : DecommissionGate.Iso(gate.LastPassAt),
            ["backup_at"] = gate.BackupAt is null ? null : DecommissionGate.Iso(gate.BackupAt),
            ["handover"] = new JsonArray([.. handover.Select(l => (JsonNode)l)]),
        };
        await context.State.RecordAsync($"decommission decided: the old server may be switched off (approved by {gate.Approval.By}; verified by {gate.VerifyStep} at {DecommissionGate.Iso(gate.VerifiedAt)})", outputs, cancellationToken);
        return StepOutcome.Succeeded(outputs);
    }

    /// <summary>What the operator may switch off, and what to keep; names and addresses from the plan, no secrets.</summary>
    private static List<string> Handover(StepContext context, DateTimeOffset now)
    {
        var plan = context.Plan;
        var lines = new List<string>();
        if (plan.Servers.TryGetValue("old", out var old))
        {
            var endpoints = new[] { ("IMAP", old.Imap), ("POP3", old.Pop3), ("SMTP", old.Smtp) }.Where(e => e.Item2 is not null).Select(e => $"{e.Item1} {e.Item2!.Host}:{e.Item2.Port}");
            lines.Add($"may switch off: the old server's mail service ({string.Join(", ", endpoints)})");
        }

        if (plan.Dns is { } dns && dns.OldMx.Count > 0)
        {
            lines.Add($"may switch off: the old MX host(s) {string.Join(", ", dns.OldMx.Select(m => m.Host))} (no watched resolver names them any more if verify checked the MX)");
        }

        var until = DecommissionGate.Iso(now + KeepBackups)[..10];
        lines.AddRange(plan.BackupTargets.Select(t => $"keep: backup {t.Id} ({t.Path}, {t.Format.ToString().ToLowerInvariant()}) until at least {until}"));
        lines.Add($"keep: this plan's state file and journal (the evidence of the move) at least until {until}");
        lines.Add("Runbook deleted nothing on either server");
        return lines;
    }
}
