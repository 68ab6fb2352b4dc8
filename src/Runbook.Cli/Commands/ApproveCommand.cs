using System.CommandLine;
using Runbook.Adapters.State;
using Runbook.Engine;
using Runbook.Errors;
using Runbook.Plan.Model;
using Runbook.Plan.Steps;

namespace Runbook.Cli.Commands;

/// <summary><c>runbook approve PLAN STEP</c>: record who allowed a gated step (or resumed a pause), and when.</summary>
internal static class ApproveCommand
{
    public const string Details = """
        Records an approval for a step with `approval: true`, resumes a `pause` step, or confirms a DNS change made
        by hand (dns.lower_ttl, dns.switch_mx with the manual provider): who (--by, default your
        user name) and when, in the state and the audit journal. The approval holds for the step as it is defined
        now; if the step is edited afterwards, it must be approved again. Works while an apply --wait is running:
        that apply notices the approval and goes on.

        Examples:
          runbook approve acme.yaml switch-mx --by "Yuki Tanaka"
          runbook approve acme.yaml users-told          # resume a pause step
        """;

    public static Command Create(CliConsole console, EngineCli engine)
    {
        var plan = EngineOptions.Plan();
        var step = EngineOptions.Step();
        var state = EngineOptions.State();
        var by = new Option<string?>("--by") { HelpName = "NAME", Description = "Who approves (default: the current user name)." };
        var command = new Command("approve", "Record an approval for a gated step, or resume a pause.") { plan, step, by, state };
        command.SetAction((parse, ct) => RunAsync(console, engine, parse.GetValue(plan)!, parse.GetValue(step)!, parse.GetValue(by), parse.GetValue(state), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, EngineCli engine, string path, string stepId, string? by, string? state, CancellationToken cancellationToken)
    {
        var plan = await engine.LoadAsync(path, console, cancellationToken);
        var step = plan.Steps.FirstOrDefault(s => s.Id == stepId)
            ?? throw new UsageException($"the plan has no step '{stepId}' (steps: {string.Join(", ", plan.Steps.Select(s => s.Id))})");
        // With the manual DNS provider, a person confirms "I made the change" the same way.
        var manualDns = plan.Dns?.Provider == DnsProviderKind.Manual && step.Uses is StepKinds.LowerTtl or StepKinds.SwitchMx;
        if (!step.Approval && step.Uses is not (StepKinds.Pause or StepKinds.Decommission) && !manualDns)
        {
            throw new UsageException($"step {stepId} needs no approval (it has no `approval: true`, is not a pause or decommission, nor a DNS change made by hand)");
        }

        // The fingerprint covers what the kind reads: without the kind it would not match the one apply checks.
        if (!engine.Kinds.TryGet(step.Uses, out var kind))
        {
            throw UnsupportedStepKinds.Refusal([step], engine.Kinds.Names);
        }

        var who = string.IsNullOrWhiteSpace(by) ? Environment.UserName : by.Trim();
        // No lock: an approval is its own row and transaction, so it can land while an apply --wait holds the lock.
        await using var store = await engine.OpenStoreAsync(plan, EngineCli.StatePath(plan, state), cancellationToken);
        await store.ApproveAsync(step.Id, StepFingerprint.Compute(plan, step, kind), who, cancellationToken);
        console.Line($"approved {step.Id} as {who}; `runbook apply {path}` goes on from there", "green");
        return 0;
    }
}
