using System.Text.Json.Nodes;
using Scriban;
using Scriban.Runtime;
using Scriban.Syntax;

namespace Runbook.Adapters.Report;

/// <summary>
/// Scriban behind <see cref="IReportRenderer"/>. By default Scriban stops at 1,000 loop iterations and 100 levels of
/// recursion and truncates long strings; a report of 10,000 accounts needs none of those limits, so they are lifted.
/// </summary>
internal sealed class ScribanReportRenderer : IReportRenderer
{
    public async Task<string> RenderAsync(ReportTemplate template, JsonObject model, CancellationToken cancellationToken)
    {
        var parsed = Template.Parse(template.Text, template.Name);
        if (parsed.HasErrors)
        {
            throw new ReportTemplateException($"template {template.Name} does not parse:{Environment.NewLine}"
                + string.Join(Environment.NewLine, parsed.Messages.Select(m => "  " + m)));
        }

        var globals = new ScriptObject();
        foreach (var (key, value) in model)
        {
            globals[key] = ScribanValues.From(value);
        }

        var context = new TemplateContext
        {
            LoopLimit = 0,
            LoopLimitQueryable = 0,
            RecursiveLimit = 1000,
            LimitToString = 0,
            CancellationToken = cancellationToken,
            StrictVariables = true,
        };
        context.PushGlobal(globals);
        try
        {
            return await parsed.RenderAsync(context);
        }
        catch (ScriptRuntimeException ex)
        {
            // The span is the template's own position (1-based line in ToString), so the message points at the line to fix.
            throw new ReportTemplateException($"template {ex.Span.FileName}({ex.Span.Start.Line + 1},{ex.Span.Start.Column + 1}): {ex.OriginalMessage}");
        }
    }
}
