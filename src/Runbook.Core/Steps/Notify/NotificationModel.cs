using Runbook.Engine;
using Runbook.Engine.Windows;
using Runbook.Plan.Model;
using Scriban.Runtime;

namespace Runbook.Steps.Notify;

/// <summary>
/// What the templates see, every value already formatted for the language (dates in the plan's timezone), so the
/// templates hold words only. Passwords are never put here: a template cannot leak what it is not given.
/// </summary>
internal static class NotificationModel
{
    public static ScriptObject Common(RunbookPlan plan, NotifyLanguage language, DateTimeOffset now, string? message) => new()
    {
        ["plan"] = new ScriptObject { ["name"] = plan.Name, ["description"] = plan.Description, ["timezone"] = plan.Timezone },
        ["now"] = language.Date(now),
        ["message"] = message,
    };

    public static ScriptObject Announcement(RunbookPlan plan, StepDefinition step, NotifyLanguage language, TimeZoneInfo zone, DateTimeOffset now)
    {
        var model = Common(plan, language, now, Text(step, "message"));
        model["accounts"] = language.Number(plan.Accounts.Count);
        model["interruption"] = Text(step, "interruption") ?? language.DefaultInterruption;
        var name = Text(step, "window")
            ?? plan.Steps.FirstOrDefault(s => s.Window is not null)?.Window
            ?? (plan.Windows.Count == 1 ? plan.Windows.Keys.Single() : null);
        string opens = "-", closes = "-";
        if (name is not null && plan.Windows.TryGetValue(name, out var window))
        {
            var schedule = new WindowSchedule(window, zone);
            var start = schedule.IsOpen(now) ? now : schedule.NextOpening(now);
            if (start is { } s)
            {
                opens = language.Date(s);
                closes = schedule.ClosesAt(s) is { } c ? language.Date(c) : "-";
            }
        }

        model["window"] = new ScriptObject { ["name"] = name, ["opens"] = opens, ["closes"] = closes };
        return model;
    }

    public static ScriptObject ClientSettings(RunbookPlan plan, StepDefinition step, AccountDefinition account, NotifyLanguage language, DateTimeOffset now)
    {
        var model = Common(plan, language, now, Text(step, "message"));
        model["account"] = new ScriptObject { ["email"] = account.Email };
        var server = plan.Servers["new"];
        var settings = new ScriptArray();
        foreach (var (protocol, endpoint) in new[] { ("IMAP", server.Imap), ("SMTP", server.Smtp), ("POP3", server.Pop3) })
        {
            if (endpoint is not null)
            {
                settings.Add(new ScriptObject
                {
                    ["protocol"] = protocol,
                    ["host"] = endpoint.Host,
                    ["port"] = endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["security"] = language.Security(endpoint.Security),
                    ["user"] = account.New.User,
                });
            }
        }

        model["settings"] = settings;
        return model;
    }

    public static ScriptObject Event(RunEvent runEvent, NotifyLanguage language)
    {
        var model = Common(runEvent.Plan, language, runEvent.At, null);
        model["event"] = new ScriptObject
        {
            ["kind"] = runEvent.Kind.ToString().ToLowerInvariant(),
            ["title"] = language.EventTitle(runEvent.Kind),
            ["step"] = runEvent.Step?.Id,
            ["message"] = runEvent.Message,
            ["at"] = language.Date(runEvent.At),
            ["until"] = runEvent.Until is { } until ? language.Date(until) : null,
        };
        return model;
    }

    public static string? Text(StepDefinition step, string key) => step.With[key]?.GetValue<string>();
}
