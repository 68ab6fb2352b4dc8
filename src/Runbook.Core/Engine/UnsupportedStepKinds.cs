using Runbook.Errors;
using Runbook.Plan.Model;
using Runbook.Plan.Steps;

namespace Runbook.Engine;

/// <summary>
/// Steps whose kind the plan language defines (<see cref="StepKinds.BuiltIn"/>) but this build has no implementation
/// for. The plan is valid, so this is not exit 65: like a refused plan change, the operator acts and runs again (64).
/// </summary>
internal static class UnsupportedStepKinds
{
    public static bool IsLanguageKind(string uses) => StepKinds.BuiltIn.Contains(uses, StringComparer.Ordinal);

    public static UsageException Refusal(IReadOnlyList<StepDefinition> steps, IReadOnlyCollection<string> runnable)
    {
        var lines = steps.Select(s =>
            $"{s.Location}: step {s.Id}: '{s.Uses}' is a step kind of plan language v1, but this version of Runbook cannot run it yet");
        var advice =
            "Nothing was run and the state was not touched. The plan itself is valid: to run it with this version, remove "
            + (steps.Count == 1 ? "that step" : "those steps")
            + " (and any requires: naming them) and do that work by hand, or wait for a Runbook that implements the kind. "
            + $"This version runs: {string.Join(", ", runnable.Order(StringComparer.Ordinal))}.";
        return new UsageException(string.Join(Environment.NewLine, lines.Append(advice)), ExitCode.Usage);
    }
}
