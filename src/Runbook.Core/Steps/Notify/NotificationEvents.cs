using MimeKit;
using Runbook.Engine;
using Runbook.Engine.Windows;
using Runbook.Plan.Model;

namespace Runbook.Steps.Notify;

/// <summary>
/// The plan's <c>notifications:</c> rules as the engine's event sink: each matching rule gets the event template in its
/// language. Mail that cannot be sent is kept in the outbox and sent at the next apply; <c>runbook plan</c> renders
/// one sample per rule and event to files instead of sending.
/// </summary>
internal sealed class NotificationEvents(NotificationDelivery delivery, Func<RunbookPlan, ISecretResolver> secrets) : IRunEvents
{
    public async Task<IReadOnlyList<string>> PublishAsync(RunEvent runEvent, CancellationToken cancellationToken)
    {
        var plan = runEvent.Plan;
        var name = runEvent.Kind.ToString().ToLowerInvariant();
        var problems = new List<string>();
        foreach (var rule in plan.Notifications.Where(n => n.On.Contains(name, StringComparer.Ordinal)))
        {
            if (NotificationSender.Resolve(plan, rule.From, out var noSender) is not { } from)
            {
                problems.Add($"notification {rule.Id}: {noSender}");
                continue;
            }

            var message = Render(plan, rule, runEvent, from);
            if (await delivery.SendAsync(plan, secrets(plan), message, from, cancellationToken) is { } problem)
            {
                var kept = runEvent.StatePath is { } state
                    ? $"; kept in {await NotificationOutbox.KeepAsync(state, rule.Id, name, runEvent.At, message, cancellationToken)}, sent at the next apply"
                    : "";
                problems.Add($"notification {rule.Id}: {problem}{kept}");
            }
        }

        return problems;
    }

    public async Task<IReadOnlyList<string>> RetryKeptAsync(RunbookPlan plan, string statePath, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        var all = NotificationOutbox.List(statePath);
        foreach (var (kept, i) in all.Select((k, i) => (k, i)))
        {
            var message = await MimeMessage.LoadAsync(kept.File, cancellationToken);
            var configured = plan.Notifications.FirstOrDefault(n => n.Id == kept.Rule)?.From ?? message.From.Mailboxes.FirstOrDefault()?.Address;
            var problem = NotificationSender.Resolve(plan, configured, out var noSender) is { } from
                ? await delivery.SendAsync(plan, secrets(plan), message, from, cancellationToken)
                : noSender;
            if (problem is null)
            {
                File.Delete(kept.File);
                lines.Add($"notification sent from the outbox: {kept.Rule} ({kept.Event}, kept since {kept.KeptAt:yyyy-MM-dd HH:mm:ss}Z) \"{kept.Subject}\" to {string.Join(", ", kept.To)}");
            }
            else
            {
                lines.Add($"notification still not sent, kept in {kept.File}: {problem}");
                // The server that refused this one would refuse the rest: an apply does not start with minutes of retries.
                if (all.Count - i - 1 is > 0 and var left)
                {
                    lines.Add($"{left} more kept notification(s) not tried now; the next apply tries them again");
                }

                break;
            }
        }

        return lines;
    }

    public async Task<IReadOnlyList<string>> PreviewAsync(RunbookPlan plan, string statePath, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(statePath))!, "notifications", "events");
        var files = new List<string>();
        foreach (var rule in plan.Notifications)
        {
            if (NotificationSender.Resolve(plan, rule.From, out _) is not { } from)
            {
                continue; // validation reports it; the dry run shows the mail the others would get
            }

            foreach (var sample in Samples(plan, rule))
            {
                files.Add(await NotifyPreviewFiles.WriteAsync(folder, $"{rule.Id}-{sample.Kind.ToString().ToLowerInvariant()}", Render(plan, rule, sample, from), cancellationToken));
            }
        }

        return files;
    }

    private static MimeMessage Render(RunbookPlan plan, NotificationDefinition rule, RunEvent runEvent, NotificationSender from)
    {
        var zone = TimeZones.Find(plan.Timezone) ?? TimeZoneInfo.Utc;
        var language = NotifyLanguage.For(rule.Language, zone);
        var rendered = NotificationTemplates.Render("event", language, NotificationModel.Event(runEvent, language));
        return NotificationMail.Build(rendered, from.From, rule.To, TimeZoneInfo.ConvertTime(runEvent.At, zone));
    }

    /// <summary>One made-up event per event the rule hears, on the step it would most likely be about, marked as a sample.</summary>
    private IEnumerable<RunEvent> Samples(RunbookPlan plan, NotificationDefinition rule)
    {
        var note = rule.Language == "ja" ? "（runbook plan による見本です。実際の内容はそのときの状況で決まります。）" : "(A sample rendered by runbook plan: the real mail says what actually happened.)";
        var at = delivery.Time.GetUtcNow();
        foreach (var name in rule.On)
        {
            var (kind, step) = name switch
            {
                "waiting" => (RunEventKind.Waiting, plan.Steps.FirstOrDefault(s => s.Window is not null) ?? plan.Steps.FirstOrDefault()),
                "approval" => (RunEventKind.Approval, plan.Steps.FirstOrDefault(s => s.Approval) ?? plan.Steps.FirstOrDefault()),
                "failed" => (RunEventKind.Failed, plan.Steps.FirstOrDefault()),
                _ => (RunEventKind.Done, null),
            };
            yield return new RunEvent(kind, plan, step, note, at);
        }
    }
}
