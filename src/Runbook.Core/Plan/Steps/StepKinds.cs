namespace Runbook.Plan.Steps;

/// <summary>The built-in step kinds; each has a <c>with.KIND</c> definition in the schema.</summary>
internal static class StepKinds
{
    public const string Preflight = "mail.preflight";
    public const string Backup = "mail.backup";
    public const string Restore = "mail.restore";
    public const string Migrate = "mail.migrate";
    public const string DeltaSync = "mail.delta_sync";
    public const string DnsCheck = "dns.check";
    public const string LowerTtl = "dns.lower_ttl";
    public const string SwitchMx = "dns.switch_mx";
    public const string WaitPropagation = "dns.wait_propagation";
    public const string Verify = "verify";
    public const string Notify = "notify";
    public const string Pause = "pause";
    public const string Decommission = "decommission";
    public const string Report = "report";

    public static IReadOnlyList<string> BuiltIn { get; } =
        [Preflight, Backup, Restore, Migrate, DeltaSync, DnsCheck, LowerTtl, SwitchMx, WaitPropagation, Verify, Notify, Pause, Decommission, Report];

    /// <summary>Kinds whose <c>with.accounts</c> selects accounts (default <c>all</c>).</summary>
    public static bool SelectsAccounts(string kind) => kind is Preflight or Backup or Restore or Migrate or DeltaSync or Verify;

    public static bool IsMail(string kind) => kind.StartsWith("mail.", StringComparison.Ordinal);

    public static bool IsDns(string kind) => kind.StartsWith("dns.", StringComparison.Ordinal);
}
