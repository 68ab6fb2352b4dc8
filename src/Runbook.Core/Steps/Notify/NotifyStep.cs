using System.Text.Json.Nodes;
using MimeKit;
using Runbook.Adapters.Mail.Smtp;
using Runbook.Engine;
using Runbook.Engine.Accounts;
using Runbook.Engine.Windows;
using Runbook.Errors;

namespace Runbook.Steps.Notify;

/// <summary>
/// <c>notify</c>: mail rendered from the embedded templates (<c>with.template</c>: message, announcement,
/// client_settings). A dry run writes each message as an .eml file instead of sending. A message that cannot be sent
/// makes the step wait and try again later, never fail: the work it announces is done and stays done.
/// </summary>
internal sealed class NotifyStep(IMailSubmitter submitter, NotifyRetry retry) : IStepKind
{
    private const string ClientSettings = "client_settings";
    private static readonly TimeSpan RetryLater = TimeSpan.FromMinutes(5);

    public string Name => "notify";

    public IReadOnlyList<string> PlanSections => ["servers", "accounts", "windows", "notifications", "name", "description", "timezone"];

    public AccountScope Accounts => AccountScope.EachOnce;

    public async Task<StepPreview> PreviewAsync(StepContext context, CancellationToken cancellationToken)
    {
        var folder = NotifyPreviewFiles.Folder(context);
        var written = new List<string>();
        foreach (var (key, _, message) in Messages(context))
        {
            written.Add(await NotifyPreviewFiles.WriteAsync(folder, key, message, cancellationToken));
        }

        return written.Count == 0
            ? StepPreview.NothingToDo("notify: every selected account has its message")
            : StepPreview.Changes($"notify: would send {written.Count} message(s); rendered to {folder}", written);
    }

    public async Task<StepOutcome> ApplyAsync(StepContext context, CancellationToken cancellationToken)
    {
        var delivery = new NotificationDelivery(submitter, context.Time, retry, context.Sleeper);
        var sent = 0;
        var problems = new List<string>();
        var from = From(context);
        foreach (var (key, account, message) in Messages(context))
        {
            // A shared message is remembered by checkpoint; client settings by the account's outcome, so an account
            // added (or whose new login changed) later gets its own mail and nobody is mailed twice.
            if (account is null && await context.State.GetCheckpointAsync($"sent/{key}", cancellationToken) is not null)
            {
                continue;
            }

            var problem = await delivery.SendAsync(context.Plan, context.Secrets, message, from, cancellationToken);
            if (account is not null)
            {
                await context.State.SetAccountOutcomeAsync(account, problem is null ? null : $"not sent: {problem}", cancellationToken);
            }

            if (problem is not null)
            {
                problems.Add(problem);
                context.Log.Warning($"not sent: {problem}");
                continue;
            }

            await context.State.SetCheckpointAsync($"sent/{key}", context.Time.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
            await context.State.RecordAsync($"sent \"{message.Subject}\" to {key}", new JsonObject { ["to"] = key, ["messageId"] = message.MessageId }, cancellationToken);
            sent++;
        }

        if (problems.Count > 0)
        {
            return StepOutcome.WaitUntil(context.Time.GetUtcNow() + RetryLater, $"{problems.Count} notification(s) not sent, tried again at the next apply: {string.Join("; ", problems)}");
        }

        if (Template(context) != ClientSettings)
        {
            // A shared message is about the whole move: accounts added later do not make it go out again.
            foreach (var account in AccountSelection.Select(context.Plan, context.Step).Where(a => !context.SettledAccounts.Contains(a.Email)))
            {
                await context.State.SetAccountOutcomeAsync(account.Email, null, cancellationToken);
            }
        }

        return StepOutcome.Succeeded(new JsonObject { ["sent"] = sent, ["summary"] = $"sent {sent} message(s)" });
    }

    /// <summary>Each message keyed by its recipient(s): one per account for client settings, one for the rest.</summary>
    private static IEnumerable<(string Key, string? Account, MimeMessage Message)> Messages(StepContext context)
    {
        var plan = context.Plan;
        var zone = TimeZones.Find(plan.Timezone) ?? throw new UsageException($"unknown time zone '{plan.Timezone}'", ExitCode.InvalidPlan);
        var language = NotifyLanguage.For(NotificationModel.Text(context.Step, "language"), zone);
        var now = context.Time.GetUtcNow();
        var from = From(context);
        var template = Template(context);
        if (template == ClientSettings)
        {
            foreach (var account in AccountSelection.Select(plan, context.Step).Where(a => !context.SettledAccounts.Contains(a.Email)))
            {
                var rendered = NotificationTemplates.Render(template, language, NotificationModel.ClientSettings(plan, context.Step, account, language, now));
                yield return (account.Email, account.Email, NotificationMail.Build(rendered, from.From, [account.Email], TimeZoneInfo.ConvertTime(now, zone)));
            }

            yield break;
        }

        var to = context.Step.With["to"] is JsonArray list
            ? list.Select(n => n!.GetValue<string>()).ToList()
            : plan.Notifications.SelectMany(n => n.To).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var model = template == "announcement"
            ? NotificationModel.Announcement(plan, context.Step, language, zone, now)
            : NotificationModel.Common(plan, language, now, NotificationModel.Text(context.Step, "message"));
        model["step"] = context.Step.Description ?? context.Step.Id;
        yield return (string.Join(",", to), null, NotificationMail.Build(NotificationTemplates.Render(template, language, model), from.From, to, TimeZoneInfo.ConvertTime(now, zone)));
    }

    private static string Template(StepContext context) => NotificationModel.Text(context.Step, "template") ?? "message";

    private static NotificationSender From(StepContext context) =>
        NotificationSender.Resolve(context.Plan, NotificationModel.Text(context.Step, "from") ?? context.Plan.Notifications.FirstOrDefault(n => n.From is not null)?.From, out var problem)
        ?? throw new StepFailedException($"notify: {problem}", retryable: false);
}
