using System.Reflection;
using Runbook.Errors;
using Scriban;
using Scriban.Runtime;

namespace Runbook.Steps.Notify;

/// <summary>A rendered notification: the subject, the sender's display name and the plain-text body.</summary>
internal sealed record RenderedNotification(string Subject, string? FromName, string Body);

/// <summary>
/// The embedded Scriban templates (<c>Templates/KIND.LANG.sbn</c>). A template starts with <c>Subject:</c> and
/// optionally <c>From-Name:</c> lines, then a blank line and the body, so one file holds everything a person reads.
/// </summary>
internal static class NotificationTemplates
{
    public static RenderedNotification Render(string kind, NotifyLanguage language, ScriptObject model)
    {
        var name = $"{kind}.{language.Code}.sbn";
        var template = Template.Parse(Load(name), name);
        if (template.HasErrors)
        {
            throw new StepFailedException($"notification template {name}: {string.Join("; ", template.Messages)}", retryable: false);
        }

        // Strict: a misspelt variable is an error, never a silently empty line in a mail to customers.
        var context = new TemplateContext { StrictVariables = true, MemberRenamer = m => m.Name };
        context.PushGlobal(model);
        string text;
        try
        {
            text = template.Render(context);
        }
        catch (Scriban.Syntax.ScriptRuntimeException e)
        {
            throw new StepFailedException($"notification template {name}: {e.Message}", retryable: false, e);
        }

        return Split(text.ReplaceLineEndings("\n"));
    }

    private static RenderedNotification Split(string text)
    {
        var end = text.IndexOf("\n\n", StringComparison.Ordinal);
        var head = end < 0 ? text : text[..end];
        var body = end < 0 ? "" : text[(end + 2)..];
        string? subject = null, fromName = null;
        foreach (var line in head.Split('\n'))
        {
            if (line.StartsWith("Subject:", StringComparison.Ordinal)) subject = line["Subject:".Length..].Trim();
            else if (line.StartsWith("From-Name:", StringComparison.Ordinal)) fromName = line["From-Name:".Length..].Trim();
        }

        // Blank runs left by {{ if }} blocks are collapsed so the mail reads as written.
        while (body.Contains("\n\n\n", StringComparison.Ordinal)) body = body.Replace("\n\n\n", "\n\n", StringComparison.Ordinal);
        return new RenderedNotification(subject ?? "", fromName, body.TrimEnd('\n') + "\n");
    }

    private static string Load(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"Runbook.Notify.{name}")
            ?? throw new InvalidOperationException($"embedded template {name} is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
