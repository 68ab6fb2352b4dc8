using System.Text.Json.Nodes;
using Runbook.Adapters.Backup;
using Runbook.Adapters.Mail;
using Runbook.Engine;
using Runbook.Errors;
using Runbook.Plan.Model;
using Runbook.Steps.Mail;

namespace Runbook.Steps.MailRestore;

/// <summary>
/// Plugs a backup target into the migration as its source: the account's manifest read from the target stands in
/// for the old server, and the destination is the plan's new server as for <c>mail.migrate</c>.
/// </summary>
internal sealed class RestoreConnector(IAccountConnector server, BackupTargetStore target, IReadOnlySet<string>? folders) : IAccountConnector
{
    public static AccountConnectorFactory Factory(IMailConnector mail) => (context, parameters) =>
        new RestoreConnector(new PlanAccountConnector(mail, context.Plan, context.Secrets, SourceProtocol.Imap), Target(context.Plan, context.Step), Folders(context.Step));

    public async Task<IMailSource> OpenSourceAsync(AccountDefinition account, CancellationToken cancellationToken)
    {
        var manifest = await BackupManifest.LoadAsync(target.AccountRoot(account.Email), cancellationToken)
            ?? throw new BackupStoreException($"no backup of {account.Email} in target '{target.Id}' ({target.AccountRoot(account.Email)}): run mail.backup first, or leave the account out of with.accounts");
        return new BackupMailSource(target, manifest, folders);
    }

    public Task<IMailDestination> OpenDestinationAsync(AccountDefinition account, CancellationToken cancellationToken) =>
        server.OpenDestinationAsync(account, cancellationToken);

    /// <summary><c>with.target</c>, else the plan's first backup target.</summary>
    public static BackupTargetStore Target(RunbookPlan plan, StepDefinition step)
    {
        var id = step.With["target"]?.GetValue<string>();
        var target = plan.BackupTargets.FirstOrDefault(t => id is null || t.Id == id)
            ?? throw new UsageException($"step {step.Id}: no backup target '{id}' in backup.targets", ExitCode.InvalidPlan);
        return BackupTargetStore.From(plan, target);
    }

    private static HashSet<string>? Folders(StepDefinition step) =>
        step.With["folders"] is JsonArray list ? list.Select(n => n!.GetValue<string>()).ToHashSet(StringComparer.Ordinal) : null;
}
