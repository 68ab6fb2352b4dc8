using Runbook.Adapters.Mail;
using Runbook.Engine;
using Runbook.Engine.Accounts;
using Runbook.Steps.Mail;

namespace Runbook.Steps.MailMigrate;

/// <summary>
/// <c>mail.migrate</c>: copies every selected account's mail old → new, byte for byte, never twice. Dry run: per account
/// and folder the mapping and what would be copied (read-only probes). Apply: copy; refused messages are listed.
/// </summary>
internal sealed class MailMigrateStep(AccountConnectorFactory connect, string spoolRoot) : IStepKind
{
    public MailMigrateStep(IMailConnector mail) : this(MailPass.FromPlan(mail), Path.GetTempPath()) { }

    public string Name => "mail.migrate";

    public IReadOnlyList<string> PlanSections => ["servers", "accounts", "folders"];

    public AccountScope Accounts => AccountScope.EachOnce;

    public Task<StepPreview> PreviewAsync(StepContext context, CancellationToken cancellationToken) =>
        OneTimeCopy.PreviewAsync(new MailPass(connect, spoolRoot), context, "nothing to copy: every message is already on the new server", cancellationToken);

    public Task<StepOutcome> ApplyAsync(StepContext context, CancellationToken cancellationToken) =>
        OneTimeCopy.ApplyAsync(new MailPass(connect, spoolRoot), context, cancellationToken);
}
