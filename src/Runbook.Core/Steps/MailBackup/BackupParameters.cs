using System.Text.Json.Nodes;
using Runbook.Adapters.Backup;
using Runbook.Adapters.Mail;
using Runbook.Engine;
using Runbook.Engine.Accounts;
using Runbook.Errors;
using Runbook.Plan.Model;
using Runbook.Steps.Mail;

namespace Runbook.Steps.MailBackup;

/// <summary>
/// <c>mail.backup</c>'s <c>with:</c>: which accounts, which targets (default all), which server (<c>old</c>, or
/// <c>new</c> for the last backup before decommissioning) and over which protocol.
/// </summary>
internal sealed record BackupParameters(
    IReadOnlyList<AccountDefinition> Accounts,
    IReadOnlyList<BackupTargetStore> Targets,
    string Server,
    SourceProtocol Protocol,
    bool Verify,
    int Parallelism,
    int BatchSize)
{
    public static BackupParameters From(RunbookPlan plan, StepDefinition step)
    {
        var with = step.With;
        var ids = with["targets"] is JsonArray list ? list.Select(n => n!.GetValue<string>()).ToList() : null;
        var targets = plan.BackupTargets.Where(t => ids is null || ids.Contains(t.Id)).Select(t => BackupTargetStore.From(plan, t)).ToList();
        if (targets.Count == 0)
        {
            throw new UsageException($"step {step.Id}: the plan has no backup target to write (backup.targets)", ExitCode.InvalidPlan);
        }

        var server = with["server"]?.GetValue<string>() ?? "old";
        var serverDefinition = MailStepParameters.Server(plan, server);
        // POP3 only when asked, or when the old server has nothing else (as the validator decides too).
        var protocol = with["source"]?.GetValue<string>() == "pop3" || (with["source"] is null && server == "old" && serverDefinition.Imap is null)
            ? SourceProtocol.Pop3
            : SourceProtocol.Imap;
        var parallelism = Math.Max(1, Math.Min(4, serverDefinition.MaxConnections));
        return new BackupParameters(AccountSelection.Select(plan, step), targets, server, protocol, plan.BackupVerify, parallelism, BatchSizeOf(with["batch_size"]));
    }

    /// <summary>YAML integers load as Int64, plans built in code hold Int32.</summary>
    private static int BatchSizeOf(JsonNode? node) =>
        node is JsonValue value ? (value.TryGetValue<int>(out var small) ? small : checked((int)value.GetValue<long>())) : 100;

    /// <summary>Opens the backed-up server for one account, read-only, with that server's login from the plan.</summary>
    public async Task<IMailSource> OpenSourceAsync(IMailConnector mail, RunbookPlan plan, ISecretResolver secrets, AccountDefinition account, CancellationToken cancellationToken)
    {
        var server = MailStepParameters.Server(plan, Server);
        var credentials = Server == "new" ? account.New : account.Old;
        var endpoint = Protocol == SourceProtocol.Pop3 ? server.Pop3 : server.Imap;
        var login = new MailLogin(credentials.User, await secrets.ResolveAsync(credentials.Password, cancellationToken));
        var name = Protocol.ToString().ToLowerInvariant();
        return await mail.OpenSourceAsync(Protocol, PlanAccountConnector.Endpoint(Server, endpoint, name), login, cancellationToken);
    }
}
