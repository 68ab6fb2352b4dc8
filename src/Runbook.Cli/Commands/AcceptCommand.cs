using System.CommandLine;
using Runbook.Adapters.State;
using Runbook.Errors;

namespace Runbook.Cli.Commands;

/// <summary><c>runbook accept PLAN STEP --message ID --reason TEXT</c>: a person decides to live with a refused or altered message.</summary>
internal static class AcceptCommand
{
    public const string Details = """
        Records that a person accepts a message the new server refused or altered (`runbook status` lists them with
        their ids): who (--by, default your user name), when and why (--reason, required), in the state and the
        audit journal. An accepted message no longer makes apply exit 4 (done with exceptions) nor holds back
        decommission. Nothing on any server changes. A refused message is still retried by later passes.

        Examples:
          runbook accept acme.yaml migrate --message 3f9a1c2b7e --reason "spam sample, customer agreed to drop it"
          runbook accept acme.yaml migrate --all --reason "header rewrite accepted by the customer" --by "Yuki Tanaka"
        """;

    public static Command Create(CliConsole console, EngineCli engine)
    {
        var plan = EngineOptions.Plan();
        var step = EngineOptions.Step();
        var state = EngineOptions.State();
        var messages = new Option<string[]>("--message") { HelpName = "ID", Description = "An exception's id as `status` shows it (repeatable)." };
        var all = new Option<bool>("--all") { Description = "Every open exception of the step's accounts." };
        var reason = new Option<string?>("--reason") { HelpName = "TEXT", Description = "Why this is acceptable (required; goes into the journal and the report)." };
        var by = new Option<string?>("--by") { HelpName = "NAME", Description = "Who accepts (default: the current user name)." };
        var command = new Command("accept", "Accept a message the new server refused or altered, with a reason.") { plan, step, messages, all, reason, by, state };
        command.SetAction((parse, ct) => RunAsync(console, engine, parse.GetValue(plan)!, parse.GetValue(step)!,
            parse.GetValue(messages) ?? [], parse.GetValue(all), parse.GetValue(reason), parse.GetValue(by), parse.GetValue(state), ct));
        return command;
    }

    private static async Task<int> RunAsync(
        CliConsole console, EngineCli engine, string path, string stepId, string[] ids, bool all, string? reason, string? by, string? state, CancellationToken cancellationToken)
    {
        var plan = await engine.LoadAsync(path, console, cancellationToken);
        var step = plan.Steps.FirstOrDefault(s => s.Id == stepId)
            ?? throw new UsageException($"the plan has no step '{stepId}' (steps: {string.Join(", ", plan.Steps.Select(s => s.Id))})");
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new UsageException("--reason is required: say why the message may stay as it is");
        }

        if ((ids.Length == 0) == !all)
        {
            throw new UsageException("give --message ID (one or more) or --all");
        }

        var accounts = Runbook.Engine.Accounts.AccountSelection.Select(plan, step).Select(a => a.Email).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var statePath = EngineCli.StatePath(plan, state);
        await using var store = File.Exists(statePath) || plan.State.Backend == Runbook.Plan.Model.StateBackendKind.Postgres
            ? await engine.OpenStoreAsync(plan, statePath, cancellationToken)
            : throw new UsageException($"no state at {statePath}: nothing was applied yet, so there is nothing to accept");
        var known = (await store.ReadExceptionsAsync(null, cancellationToken)).Where(e => accounts.Contains(e.Account)).ToList();
        var chosen = all ? known.Where(e => e.Open).ToList() : known.Where(e => ids.Contains(e.Id, StringComparer.OrdinalIgnoreCase)).ToList();
        var unknown = ids.Where(id => !known.Any(e => string.Equals(e.Id, id, StringComparison.OrdinalIgnoreCase))).ToList();
        if (unknown.Count > 0)
        {
            throw new UsageException($"no exception {string.Join(", ", unknown)} among step {stepId}'s accounts; `runbook status {path}` lists them");
        }

        var who = string.IsNullOrWhiteSpace(by) ? Environment.UserName : by.Trim();
        foreach (var exception in chosen)
        {
            await store.AcceptExceptionAsync(exception.Id, who, reason.Trim(), cancellationToken);
            console.Line($"accepted {exception.Id} ({exception.Kind.ToString().ToLowerInvariant()} {exception.Account} {exception.SourceFolder} UID {exception.SourceId}) as {who}", "green");
        }

        console.Line(chosen.Count == 0 ? "nothing open to accept" : $"{chosen.Count} accepted; {known.Count(e => e.Open) - chosen.Count} still open");
        return 0;
    }
}
