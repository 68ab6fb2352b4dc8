using Runbook.Adapters.Mail;
using Runbook.Engine;
using Runbook.Engine.Accounts;
using Runbook.Steps.Mail;

namespace Runbook.Steps.MailRestore;

/// <summary>
/// <c>mail.restore</c>: copies a backup target (all accounts or some, all folders or some) to the new server through the
/// migration's own pass, so it has the same fidelity and the same never-twice rule. The ledger keys a restored
/// message apart from the migration's (see <see cref="Adapters.Backup.BackupMailSource"/>): a restore after a
/// migration brings back what was deleted on the new server and duplicates nothing still there.
/// </summary>
internal sealed class MailRestoreStep(AccountConnectorFactory connect, string spoolRoot) : IStepKind
{
    public MailRestoreStep(IMailConnector mail) : this(RestoreConnector.Factory(mail), Path.GetTempPath()) { }

    public string Name => "mail.restore";

    public IReadOnlyList<string> PlanSections => ["servers", "accounts", "folders", "backup"];

    public AccountScope Accounts => AccountScope.EachOnce;

    public Task<StepPreview> PreviewAsync(StepContext context, CancellationToken cancellationToken) =>
        OneTimeCopy.PreviewAsync(new MailPass(connect, spoolRoot), context, "nothing to restore: every backed-up message is on the new server", cancellationToken);

    public Task<StepOutcome> ApplyAsync(StepContext context, CancellationToken cancellationToken) =>
        OneTimeCopy.ApplyAsync(new MailPass(connect, spoolRoot), context, cancellationToken);
}
