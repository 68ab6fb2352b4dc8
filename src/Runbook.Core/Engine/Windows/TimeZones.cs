namespace Runbook.Engine.Windows;

/// <summary>Finds IANA zones ("Asia/Tokyo") without throwing on user input.</summary>
internal static class TimeZones
{
    public static TimeZoneInfo? Find(string id) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : null;
}
