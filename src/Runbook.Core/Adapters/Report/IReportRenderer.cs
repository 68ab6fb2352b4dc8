using System.Text.Json.Nodes;

namespace Runbook.Adapters.Report;

/// <summary>Turns the report model into text through a template; the only place that knows the template engine.</summary>
internal interface IReportRenderer
{
    /// <summary>Renders <paramref name="model"/> (the JSON report) through <paramref name="template"/>; a template error throws <see cref="ReportTemplateException"/>.</summary>
    Task<string> RenderAsync(ReportTemplate template, JsonObject model, CancellationToken cancellationToken);
}

/// <summary>A template's text and the name its errors are reported under (its file, or the embedded name).</summary>
internal sealed record ReportTemplate(string Name, string Text);

/// <summary>A template that does not parse or fails while rendering; the message names the template and its line.</summary>
internal sealed class ReportTemplateException(string message) : Exception(message);
