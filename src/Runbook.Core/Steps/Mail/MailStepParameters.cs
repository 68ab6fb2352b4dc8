using System.Text.Json.Nodes;
using Runbook.Adapters.Mail;
using Runbook.Engine.Accounts;
using Runbook.Errors;
using Runbook.Plan.Model;

namespace Runbook.Steps.Mail;

/// <summary>The <c>with:</c> parameters the mail steps share, read from the already schema-checked JSON.</summary>
internal sealed record MailStepParameters(
    IReadOnlyList<AccountDefinition> Accounts,
    SourceProtocol Source,
    int Concurrency,
    int BatchSize,
    bool RecopyDeleted,
    VerifyAppends VerifyAppends = VerifyAppends.Risky,
    Repair.RepairKinds Repairs = Repair.RepairKinds.None)
{
    public static MailStepParameters From(RunbookPlan plan, StepDefinition step)
    {
        var with = step.With;
        var source = with["source"]?.GetValue<string>() == "pop3" ? SourceProtocol.Pop3 : SourceProtocol.Imap;
        var concurrency = Integer(with["concurrency"]) ?? 4;
        var batch = Integer(with["batch_size"]) ?? 100;
        var recopy = with["recopy_deleted"]?.GetValue<bool>() ?? false;
        var verify = with["verify_appends"]?.GetValue<string>() == "hash" ? VerifyAppends.Hash : VerifyAppends.Risky;
        // The step's repair list, else the plan's; both were checked against the schema's enum.
        var repairs = (with["repair"] ?? plan.Expanded["repair"]) is JsonArray list ? Repair.MessageRepair.Parse(list.Select(n => n!.GetValue<string>())) : Repair.RepairKinds.None;
        return new MailStepParameters(AccountSelection.Select(plan, step), source, concurrency, batch, recopy, verify, repairs);
    }

    /// <summary>
    /// Accounts at once: the step's concurrency, capped by each server's connection limit. An account holds one
    /// connection to the old server (two when <see cref="SourceBodyConnection"/>) and up to two to the new one (the raw
    /// connection, and MailKit beside it where messages are already there).
    /// </summary>
    public int Parallelism(RunbookPlan plan) =>
        Math.Max(1, Math.Min(Concurrency, Math.Min(Server(plan, "old").MaxConnections, Server(plan, "new").MaxConnections / 2)));

    /// <summary>
    /// Whether an account may open a second connection to the old server for large bodies: only where its
    /// max_connections still holds two per account at <see cref="Parallelism"/>.
    /// </summary>
    public bool SourceBodyConnection(RunbookPlan plan) => Server(plan, "old").MaxConnections >= 2 * Parallelism(plan);

    public MigrationOptions Options(string spoolDirectory, string? quarantineDirectory = null) => new()
    {
        Concurrency = Concurrency, BatchSize = BatchSize, SpoolDirectory = spoolDirectory, Pop3 = Source == SourceProtocol.Pop3,
        RecopyDeleted = RecopyDeleted, VerifyAppends = VerifyAppends, Repairs = Repairs, QuarantineDirectory = quarantineDirectory,
    };

    public static ServerDefinition Server(RunbookPlan plan, string role) =>
        plan.Servers.TryGetValue(role, out var server)
            ? server
            : throw new UsageException($"the plan has no servers.{role}", ExitCode.InvalidPlan);

    /// <summary>The loader stores YAML integers as Int64, plans built in code as Int32: accept both.</summary>
    private static int? Integer(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<int>(out var i) => i,
        JsonValue v when v.TryGetValue<long>(out var l) => checked((int)l),
        _ => throw new UsageException($"expected an integer, found {node.ToJsonString()}", ExitCode.InvalidPlan),
    };
}
