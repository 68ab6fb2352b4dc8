using Runbook.Engine.Accounts;
using Runbook.Plan.Model;
using Runbook.Plan.Steps;

namespace Runbook.Steps.Verify;

/// <summary>The rules one verify step runs: the plan's <c>verification:</c>, overridden key by key by the step's <c>with:</c>.</summary>
internal sealed record VerifySettings
{
    public required IReadOnlyList<AccountDefinition> Accounts { get; init; }
    public bool Counts { get; init; }
    public bool EveryMessage { get; init; }
    /// <summary>The plan's important messages for the selected accounts; empty when the rule is off.</summary>
    public IReadOnlyList<ImportantMessage> Important { get; init; } = [];
    public bool Mx { get; init; }
    public bool SendReceive { get; init; }
    /// <summary>The backups rule: on by default when the plan has backup targets.</summary>
    public bool Backups { get; init; }
    /// <summary>Accounts whose old mailbox is read over POP3 (the migration read it so): INBOX by content only.</summary>
    public IReadOnlySet<string> Pop3Accounts { get; init; } = new HashSet<string>();
    /// <summary>Messages listed per kind of finding; the counts are always complete.</summary>
    public int ListLimit { get; init; } = 20;
    public TimeSpan SendReceiveTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Counts, every message and important all come from one read of both servers; with content only when needed.</summary>
    public bool ReadsMail => Counts || EveryMessage || Important.Count > 0;
    public bool ReadsContent => EveryMessage || Important.Count > 0;

    public static VerifySettings From(RunbookPlan plan, StepDefinition step)
    {
        var rules = plan.Verification;
        var with = step.With;
        var accounts = AccountSelection.Select(plan, step);
        var selected = accounts.Select(a => a.Email).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return new VerifySettings
        {
            Accounts = accounts,
            Counts = with["counts"]?.GetValue<bool>() ?? rules.Counts,
            EveryMessage = with["every_message"]?.GetValue<bool>() ?? rules.EveryMessage,
            Important = with["important"]?.GetValue<bool>() ?? true ? [.. rules.Important.Where(i => selected.Contains(i.Account))] : [],
            Mx = with["mx"]?.GetValue<bool>() ?? rules.MxEverywhere,
            SendReceive = with["send_receive"]?.GetValue<bool>() ?? rules.SendReceive,
            Backups = (with["backups"]?.GetValue<bool>() ?? rules.Backups) && plan.BackupTargets.Count > 0,
            Pop3Accounts = Pop3(plan, step),
        };
    }

    /// <summary>An account is read over POP3 when the old server has no IMAP, or the last migration step before verify read it over POP3.</summary>
    private static HashSet<string> Pop3(RunbookPlan plan, StepDefinition step)
    {
        var pop3 = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var old = plan.Servers.TryGetValue("old", out var server) ? server : null;
        if (old?.Imap is null)
        {
            pop3.UnionWith(plan.Accounts.Select(a => a.Email));
            return pop3;
        }

        foreach (var copy in plan.Steps.TakeWhile(s => s.Id != step.Id).Where(s => s.Uses is StepKinds.Migrate or StepKinds.DeltaSync))
        {
            var viaPop3 = copy.With["source"]?.GetValue<string>() == "pop3";
            foreach (var account in AccountSelection.Select(plan, copy))
            {
                if (viaPop3) pop3.Add(account.Email); else pop3.Remove(account.Email);
            }
        }

        return pop3;
    }
}
