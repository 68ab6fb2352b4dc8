using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Encodings.Web;
using Runbook.Adapters.Report;
using Runbook.Plan.Model;

namespace Runbook.Steps.Report;

/// <summary>
/// Where a report goes and how each format is produced. Every format is rendered in memory first and only then
/// written (temp file, rename), so a template error leaves no file and an earlier report stays whole.
/// </summary>
internal sealed class ReportOutput(IReportRenderer renderer)
{
    public static readonly IReadOnlyList<string> Formats = ["html", "markdown", "json"];

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// The report's path without extension: <c>report.path</c> relative to the plan, else beside the plan as
    /// <c>PLAN.report</c>; with <paramref name="outDirectory"/>, the same file name in that folder.
    /// </summary>
    public static string BasePath(RunbookPlan plan, string? outDirectory)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(plan.SourcePath))!;
        var configured = plan.Report.Path is { } p ? Path.GetFullPath(p, folder) : Path.Combine(folder, Path.GetFileNameWithoutExtension(plan.SourcePath) + ".report");
        return outDirectory is null ? configured : Path.Combine(Path.GetFullPath(outDirectory), Path.GetFileName(configured));
    }

    public static string FileFor(string basePath, string format) => basePath + format switch { "markdown" => ".md", _ => "." + format };

    /// <summary>Renders every format, then writes them all; returns the files written.</summary>
    public async Task<IReadOnlyList<string>> WriteAsync(RunbookPlan plan, JsonObject model, IReadOnlyList<string> formats, string basePath, CancellationToken cancellationToken)
    {
        var rendered = new List<(string File, string Text)>();
        foreach (var format in formats)
        {
            rendered.Add((FileFor(basePath, format), await RenderAsync(plan, model, format, cancellationToken)));
        }

        Directory.CreateDirectory(Path.GetDirectoryName(basePath)!);
        foreach (var (file, text) in rendered)
        {
            await WriteAtomicallyAsync(file, text, cancellationToken);
        }

        return [.. rendered.Select(r => r.File)];
    }

    public async Task<string> RenderAsync(RunbookPlan plan, JsonObject model, string format, CancellationToken cancellationToken)
    {
        if (format == "json")
        {
            return model.ToJsonString(Json) + "\n";
        }

        var template = plan.Report.Templates.TryGetValue(format, out var file)
            ? new ReportTemplate(file, await File.ReadAllTextAsync(file, cancellationToken))
            : EmbeddedTemplates.For(format);
        return await renderer.RenderAsync(template, model, cancellationToken);
    }

    private static async Task WriteAtomicallyAsync(string path, string text, CancellationToken cancellationToken)
    {
        var temp = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                await stream.WriteAsync(new UTF8Encoding(false).GetBytes(text), cancellationToken);
                await stream.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
