using System.Text.Json.Nodes;

namespace Runbook.Steps.Report;

/// <summary>The embedded templates' words in Japanese and English; templates print <c>labels.copied</c>, never a literal word.</summary>
internal static class ReportLabels
{
    public static JsonObject For(string language)
    {
        using var stream = typeof(ReportLabels).Assembly.GetManifestResourceStream($"Runbook.Report.labels-{language}.json")
            ?? throw new InvalidOperationException($"no embedded report labels for language '{language}'");
        return (JsonObject)JsonNode.Parse(stream)!;
    }
}
