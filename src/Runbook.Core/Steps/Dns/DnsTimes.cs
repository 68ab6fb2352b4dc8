using System.Globalization;
using System.Text.Json.Nodes;
using Runbook.Engine;
using Runbook.Engine.Windows;

namespace Runbook.Steps.Dns;

/// <summary>Times as outputs store them (ISO 8601, UTC) and as a consultant reads them (plan's timezone, with offset).</summary>
internal static class DnsTimes
{
    public static string Iso(DateTimeOffset at) => at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    public static string Local(StepContext context, DateTimeOffset at)
    {
        var zone = TimeZones.Find(context.Plan.Timezone) ?? TimeZoneInfo.Utc;
        return TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture);
    }

    public static DateTimeOffset? Read(JsonObject? outputs, string key) =>
        outputs?[key] is JsonValue v && v.TryGetValue<string>(out var text)
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : null;

    public static DateTimeOffset? Parse(string? text) =>
        text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : null;
}
