using System.Text.Json.Nodes;
using Runbook.Engine;

namespace Runbook.Steps.Verify;

/// <summary>
/// One rule of verify (<c>counts</c>, <c>every_message</c>, ...): decides pass or fail from what it observed and keeps
/// that evidence. A rule never throws for what it finds; an error reaching a server is a failure with its reason.
/// </summary>
internal interface IVerifyRule
{
    /// <summary>The rule's name as plans and outputs spell it.</summary>
    string Name { get; }

    bool IsOn(VerifySettings settings);

    Task<RuleResult> CheckAsync(VerifyRun run, CancellationToken cancellationToken);
}

/// <summary>A rule's verdict: a one-line summary, one line per failure (naming the account), and the evidence as JSON.</summary>
internal sealed record RuleResult(string Rule, bool Passed, string Summary, IReadOnlyList<string> Failures, JsonObject Evidence)
{
    public JsonObject ToJson()
    {
        var json = new JsonObject { ["rule"] = Rule, ["passed"] = Passed, ["summary"] = Summary };
        foreach (var (key, value) in Evidence)
        {
            json[key] = value?.DeepClone();
        }

        return json;
    }
}

/// <summary>What the rules share in one verify run: the context, the settings and, read once, each account's mailboxes and their comparison.</summary>
internal sealed record VerifyRun(StepContext Context, VerifySettings Settings, VerifyServers Servers, IReadOnlyList<AccountComparison> Comparisons, IReadOnlyDictionary<string, AccountRead> Reads);
