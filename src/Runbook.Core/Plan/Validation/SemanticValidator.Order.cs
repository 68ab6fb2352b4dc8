using Runbook.Plan.Steps;
using static Runbook.Plan.Validation.JsonRead;

namespace Runbook.Plan.Validation;

internal sealed partial class SemanticValidator
{
    /// <summary>Warnings, not errors: a careful consultant may have a reason (e.g. a backup made by other means).</summary>
    private void CheckOrder()
    {
        var kinds = Items(plan["steps"]).Select(s => Str(Obj(s.Node)?["uses"])).ToList();
        Warn(kinds, StepKinds.Migrate, StepKinds.Backup,
            "no mail.backup before the first mail.migrate: back up first, a migration has no safety net without one");
        Warn(kinds, StepKinds.SwitchMx, StepKinds.LowerTtl,
            "the MX is switched before its TTL was lowered (dns.lower_ttl): resolvers may keep the old MX for hours");
    }

    private void Warn(List<string?> kinds, string later, string before, string message)
    {
        var at = kinds.IndexOf(later);
        if (at < 0 || kinds.Take(at).Contains(before)) return;
        var path = PlanPath.Key(PlanPath.Index("steps", at), "uses");
        diagnostics.Warning(map.ValueAt(path), path, message);
    }
}
