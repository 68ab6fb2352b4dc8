using Runbook.Adapters.Dns;
using Runbook.Engine;
using Runbook.Plan.Model;
using Runbook.Plan.Steps;
using Runbook.Steps.DnsCheck;
using Runbook.Steps.DnsLowerTtl;
using Runbook.Steps.DnsSwitchMx;
using Runbook.Steps.DnsWaitPropagation;

namespace Runbook.Steps.Dns;

/// <summary>The DNS step kinds, registered together because they share one DNS adapter.</summary>
internal static class DnsStepKinds
{
    public static IReadOnlyList<IStepKind> Create(IDnsAdapter dns) =>
        [new DnsCheckStep(dns), new DnsLowerTtlStep(dns), new DnsSwitchMxStep(dns), new DnsWaitPropagationStep(dns)];

    /// <summary>The first step of <paramref name="kind"/> in the plan before <paramref name="step"/> (or after it, with <paramref name="after"/>).</summary>
    public static StepDefinition? Find(RunbookPlan plan, StepDefinition step, string kind, bool after = false)
    {
        var index = plan.Steps.ToList().FindIndex(s => s.Id == step.Id);
        var candidates = after ? plan.Steps.Skip(index + 1) : plan.Steps.Take(index < 0 ? plan.Steps.Count : index).Reverse();
        return candidates.FirstOrDefault(s => s.Uses == kind);
    }

    public static string SwitchStepName(StepContext context) =>
        Find(context.Plan, context.Step, StepKinds.SwitchMx, after: true)?.Id ?? "the MX switch";
}
