using Runbook.Engine;
using Runbook.Engine.Windows;
using Runbook.Plan.Model;

namespace Runbook.Steps.Notify;

/// <summary>The plan's <c>notifications:</c> rules as the engine's event sink: each matching rule gets the event template in its language.</summary>
internal sealed class NotificationEvents(NotificationDelivery delivery, Func<RunbookPlan, ISecretResolver> secrets) : IRunEvents
{
    public async Task<IReadOnlyList<string>> PublishAsync(RunEvent runEvent, CancellationToken cancellationToken)
    {
        var plan = runEvent.Plan;
        var name = runEvent.Kind.ToString().ToLowerInvariant();
        var zone = TimeZones.Find(plan.Timezone) ?? TimeZoneInfo.Utc;
        var problems = new List<string>();
        foreach (var rule in plan.Notifications.Where(n => n.On.Contains(name, StringComparer.Ordinal)))
        {
            if (NotificationSender.Resolve(plan, rule.From, out var noSender) is not { } from)
            {
                problems.Add($"notification {rule.Id}: {noSender}");
                continue;
            }

            var language = NotifyLanguage.For(rule.Language, zone);
            var rendered = NotificationTemplates.Render("event", language, NotificationModel.Event(runEvent, language));
            var message = NotificationMail.Build(rendered, from.From, rule.To, TimeZoneInfo.ConvertTime(runEvent.At, zone));
            if (await delivery.SendAsync(plan, secrets(plan), message, from, cancellationToken) is { } problem)
            {
                problems.Add($"notification {rule.Id}: {problem}");
            }
        }

        return problems;
    }
}
