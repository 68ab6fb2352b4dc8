namespace Runbook.Steps.MailPreflight;

/// <summary>What preflight found for one account: problems stop the migration, warnings and notes are shown.</summary>
internal sealed class AccountCheck(string account)
{
    public string Account { get; } = account;
    public List<string> Problems { get; } = [];
    public List<string> Notes { get; } = [];
    /// <summary>Something a person should look at that does not stop the migration (an optional reply that could not be read).</summary>
    public List<string> Warnings { get; } = [];
    public long SourceMessages { get; set; }
    public long SourceBytes { get; set; }
    public bool LoginRefused { get; set; }
    public bool Unreachable { get; set; }
    /// <summary>The check kept failing for a reason that passes (a lost connection, a busy mailbox): trying later may help.</summary>
    public bool Transient { get; set; }

    public static string Table(IReadOnlyList<AccountCheck> checks)
    {
        var lines = new List<string>();
        foreach (var check in checks)
        {
            var state = check.Problems.Count > 0 ? $"{check.Problems.Count} problem(s)" : check.Warnings.Count > 0 ? $"ok, {check.Warnings.Count} warning(s)" : "ok";
            lines.Add($"{check.Account,-32} {state}; {check.SourceMessages} messages, {Mail.MigrationReport.Bytes(check.SourceBytes)} on the old server");
            lines.AddRange(check.Problems.Select(p => $"    ✗ {p}"));
            lines.AddRange(check.Warnings.Select(w => $"    ! {w}"));
            lines.AddRange(check.Notes.Select(n => $"    · {n}"));
        }

        return string.Join(Environment.NewLine, lines);
    }
}
