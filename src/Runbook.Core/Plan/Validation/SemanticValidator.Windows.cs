using System.Globalization;
using static Runbook.Plan.Validation.JsonRead;

namespace Runbook.Plan.Validation;

internal sealed partial class SemanticValidator
{
    private void CheckWindows()
    {
        foreach (var (name, node) in Entries(plan["windows"]))
        {
            var path = PlanPath.Key("windows", name);
            if (Obj(node) is not { } window) continue;
            if (TimeOf(window["from"]) is { } from && TimeOf(window["to"]) is { } to && from == to)
                Error(PlanPath.Key(path, "to"), "the window never opens: 'from' and 'to' are the same time (for all day use from: \"00:00\", to: \"23:59\")");

            var days = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (day, i) in Items(window["days"]))
            {
                if (Str(day) is { } d && !days.Add(d)) Error(PlanPath.Index(PlanPath.Key(path, "days"), i), $"'{d}' is listed twice");
            }
            foreach (var (entry, i) in Items(window["blackout"]))
                CheckBlackout(PlanPath.Index(PlanPath.Key(path, "blackout"), i), Str(entry));
        }
    }

    private void CheckBlackout(string path, string? text)
    {
        if (text is null) return;
        var parts = text.Split("..");
        var dates = new List<DateOnly>();
        foreach (var part in parts)
        {
            if (!DateOnly.TryParseExact(part, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                // The schema's pattern already rejects the shape; only report dates that look right but do not exist.
                if (part.Length == 10) Error(path, $"'{part}' is not a calendar date");
                return;
            }
            dates.Add(date);
        }
        if (dates.Count == 2 && dates[1] < dates[0]) Error(path, $"the range ends before it starts ({dates[0]:yyyy-MM-dd} > {dates[1]:yyyy-MM-dd})");
    }

    private static TimeOnly? TimeOf(System.Text.Json.Nodes.JsonNode? node) =>
        Str(node) is { } text && TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) ? time : null;
}
