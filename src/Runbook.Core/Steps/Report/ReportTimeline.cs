using System.Globalization;
using System.Text.Json.Nodes;
using Runbook.Engine;
using Runbook.Plan.Model;

namespace Runbook.Steps.Report;

/// <summary>
/// The timeline of every step's runs and waits, from the journal (started → done/failed/waiting, waiting → started),
/// with the SVG geometry already computed so a template only draws rectangles and a plan's own template can reuse it.
/// </summary>
internal static class ReportTimeline
{
    public const int Width = 960;
    private const int LabelWidth = 170;
    private const int Row = 24;
    private const int Top = 24;

    public static JsonObject Build(IReadOnlyList<StepDefinition> steps, IReadOnlyDictionary<string, StepRecord> records, IReadOnlyList<JournalEntry> journal, DateTimeOffset now, Func<DateTimeOffset?, string?> time)
    {
        var segments = Segments(journal, records, now);
        var start = segments.Count == 0 ? now : segments.Min(s => s.From);
        var end = segments.Count == 0 ? now : segments.Max(s => s.To);
        var span = Math.Max(1, (end - start).TotalSeconds);
        double X(DateTimeOffset t) => LabelWidth + ((t - start).TotalSeconds / span * (Width - LabelWidth - 50));

        var rows = steps.Select((s, i) => (JsonNode)new JsonObject
        {
            ["id"] = s.Id,
            ["y"] = Top + (i * Row),
            ["text_y"] = Top + (i * Row) + 15,
            ["status"] = (records.GetValueOrDefault(s.Id)?.Status ?? StepStatus.Pending).ToString().ToLowerInvariant(),
        }).ToList();
        var index = steps.Select((s, i) => (s.Id, i)).ToDictionary(p => p.Id, p => p.i, StringComparer.Ordinal);
        var bars = segments.Where(s => index.ContainsKey(s.Step)).Select(s => (JsonNode)new JsonObject
        {
            ["step"] = s.Step,
            ["kind"] = s.Kind,
            ["from"] = time(s.From),
            ["to"] = time(s.To),
            ["x"] = Round(X(s.From)),
            ["w"] = Round(Math.Max(2, X(s.To) - X(s.From))),
            ["y"] = Top + (index[s.Step] * Row) + 4,
            ["h"] = Row - 8,
        });
        var ticks = Enumerable.Range(0, 5).Select(i => start + TimeSpan.FromSeconds(span * i / 4)).Select(t => (JsonNode)new JsonObject
        {
            ["x"] = Round(X(t)),
            ["label"] = time(t)?[5..16].Replace('T', ' '),
        });
        return new JsonObject
        {
            ["start"] = time(start),
            ["end"] = time(end),
            ["width"] = Width,
            ["height"] = Top + (steps.Count * Row) + 8,
            ["label_width"] = LabelWidth,
            ["rows"] = new JsonArray([.. rows]),
            ["bars"] = new JsonArray([.. bars]),
            ["ticks"] = new JsonArray([.. ticks]),
        };
    }

    private static double Round(double value) => Math.Round(value, 1);

    /// <summary>Runs ("run", ended by done, failed, waiting or interrupted) and waits ("wait", ended by the next start); open ones end now.</summary>
    private static List<(string Step, string Kind, DateTimeOffset From, DateTimeOffset To)> Segments(IReadOnlyList<JournalEntry> journal, IReadOnlyDictionary<string, StepRecord> records, DateTimeOffset now)
    {
        var result = new List<(string, string, DateTimeOffset, DateTimeOffset)>();
        var open = new Dictionary<string, (string Kind, DateTimeOffset From)>(StringComparer.Ordinal);
        foreach (var e in journal.Where(e => e.StepId is not null))
        {
            var step = e.StepId!;
            if (e.Event is "started" or "done" or "failed" or "waiting" or "interrupted" or "reset" && open.Remove(step, out var o))
            {
                result.Add((step, o.Kind, o.From, e.At));
            }

            if (e.Event is "started" or "waiting")
            {
                open[step] = (e.Event == "started" ? "run" : "wait", e.At);
            }
        }

        foreach (var (step, o) in open)
        {
            var until = records.GetValueOrDefault(step)?.Status is StepStatus.Running or StepStatus.Waiting ? now : o.From;
            result.Add((step, o.Kind, o.From, until > o.From ? until : o.From));
        }

        return result;
    }
}
