namespace Runbook.Adapters.Report;

/// <summary>The templates shipped in the tool: one per format; the language is in the model's <c>labels</c>.</summary>
internal static class EmbeddedTemplates
{
    public static ReportTemplate For(string format)
    {
        var name = format switch
        {
            "html" => "report.html.sbn",
            "markdown" => "report.md.sbn",
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "no embedded template for this format"),
        };
        using var stream = typeof(EmbeddedTemplates).Assembly.GetManifestResourceStream("Runbook.Report." + name)
            ?? throw new InvalidOperationException($"the embedded template {name} is missing from Runbook.Core");
        using var reader = new StreamReader(stream);
        return new ReportTemplate("embedded:" + name, reader.ReadToEnd());
    }
}
