using Runbook.Adapters.Mail;
using Runbook.Engine;
using Runbook.Steps.MailBackup;
using Runbook.Steps.MailDeltaSync;
using Runbook.Steps.MailMigrate;
using Runbook.Steps.MailPreflight;
using Runbook.Steps.MailRestore;

namespace Runbook.Steps;

/// <summary>The mail step kinds, registered together because they share one mail connector.</summary>
internal static class MailStepKinds
{
    public static IReadOnlyList<IStepKind> Create(IMailConnector mail) =>
        [new MailPreflightStep(mail), new MailBackupStep(mail), new MailRestoreStep(mail), new MailMigrateStep(mail), new MailDeltaSyncStep(mail)];

    public static StepKindRegistry AddMailSteps(this StepKindRegistry registry, IMailConnector mail)
    {
        foreach (var kind in Create(mail))
        {
            registry.Add(kind);
        }

        return registry;
    }
}
