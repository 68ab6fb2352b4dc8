using Runbook.Adapters.Dns;
using Runbook.Adapters.Mail;
using Runbook.Adapters.Mail.Smtp;
using Runbook.Adapters.Report;
using Runbook.Engine;
using Runbook.Steps.Dns;

namespace Runbook.Steps;

/// <summary>The outside systems the built-in step kinds talk to; the CLI's composition root makes the real ones.</summary>
internal sealed record StepAdapters(
    IMailConnector Mail, IDnsAdapter Dns, IMailRoundTrip RoundTrip, IMailSubmitter Submitter, IReportRenderer Reports, IStateBackend State);

/// <summary>The step kinds production runs with, over the adapters the CLI hands in. Each kind's folder under Steps/ adds itself here.</summary>
internal static class BuiltInSteps
{
    public static StepKindRegistry Create(StepAdapters adapters) => new([
        new Pause.PauseStep(),
        .. MailStepKinds.Create(adapters.Mail),
        .. DnsStepKinds.Create(adapters.Dns),
        new Verify.VerifyStep(adapters.Mail, adapters.RoundTrip, adapters.Dns),
        new Decommission.DecommissionStep(),
        new Report.ReportStep(adapters.Reports, adapters.State),
        new Notify.NotifyStep(adapters.Submitter, new Notify.NotifyRetry()),
    ]);
}
