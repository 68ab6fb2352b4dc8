using Runbook.Adapters.Dns;
using Runbook.Adapters.Mail;
using Runbook.Engine;
using Runbook.Steps.Dns;

namespace Runbook.Steps;

/// <summary>The step kinds production runs with. Each kind's folder under Steps/ adds itself here.</summary>
internal static class BuiltInSteps
{
    public static StepKindRegistry Create() => new([
        new Pause.PauseStep(),
        .. MailStepKinds.Create(new MailConnector()),
        .. DnsStepKinds.Create(new DnsAdapter(TimeProvider.System)),
    ]);
}
