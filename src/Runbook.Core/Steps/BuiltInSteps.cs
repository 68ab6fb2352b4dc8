using Runbook.Adapters.Mail;
using Runbook.Engine;

namespace Runbook.Steps;

/// <summary>The step kinds production runs with. Each kind's folder under Steps/ adds itself here.</summary>
internal static class BuiltInSteps
{
    public static StepKindRegistry Create() => new([
        new Pause.PauseStep(),
        .. MailStepKinds.Create(new MailConnector()),
    ]);
}
