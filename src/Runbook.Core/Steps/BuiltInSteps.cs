using Runbook.Adapters.Dns;
using Runbook.Adapters.Mail;
using Runbook.Adapters.Mail.Smtp;
using Runbook.Engine;
using Runbook.Steps.Dns;

namespace Runbook.Steps;

/// <summary>The step kinds production runs with, over the adapters the CLI hands in. Each kind's folder under Steps/ adds itself here.</summary>
internal static class BuiltInSteps
{
    public static StepKindRegistry Create(IMailConnector mail, IDnsAdapter dns) => new([
        new Pause.PauseStep(),
        .. MailStepKinds.Create(mail),
        .. DnsStepKinds.Create(dns),
        new Verify.VerifyStep(mail, new SmtpRoundTrip(), dns),
        new Decommission.DecommissionStep(),
        new Report.ReportStep(new Runbook.Adapters.Report.ScribanReportRenderer(), new Runbook.Adapters.State.SqliteStateBackend()),
        new Notify.NotifyStep(new SmtpNotificationSender(), new Notify.NotifyRetry()),
    ]);
}
