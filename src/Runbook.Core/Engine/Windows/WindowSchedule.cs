using Runbook.Plan.Model;

namespace Runbook.Engine.Windows;

/// <summary>
/// Answers "is the window open at this instant, and if not, when does it open?" in the plan's time zone.
/// </summary>
/// <remarks>
/// An opening starts on a listed weekday at <c>From</c> and ends at <c>To</c>, the next day when <c>To</c> is not after
/// <c>From</c> (<c>From == To</c> is a whole day). A blackout date is closed through and through: no opening starts on
/// it (a Friday-night window blacked out on Friday does not open after midnight either), and the part of the previous
/// night's opening that runs into it is cut at midnight. When in doubt, closed: a cutover must never land on a holiday. Local times are resolved leniently, as NodaTime does: a
/// time skipped by a DST jump moves forward by the jump, an ambiguous one takes its earlier occurrence.
/// </remarks>
internal sealed class WindowSchedule
{
    // Far enough to find the next opening of any window that has one (weekly, with a year of blackouts).
    private const int SearchDays = 800;

    private readonly WindowDefinition _window;
    private readonly TimeZoneInfo _zone;
    private readonly HashSet<DateOnly> _blackout;

    public WindowSchedule(WindowDefinition window, TimeZoneInfo zone)
    {
        _window = window;
        _zone = zone;
        _blackout = [.. window.Blackout];
    }

    public string Name => _window.Name;

    public bool IsOpen(DateTimeOffset instant)
    {
        var localDate = LocalDate(instant);
        if (_blackout.Contains(localDate))
        {
            return false;
        }

        // An opening containing the instant began today or, for windows crossing midnight, yesterday
        // (two days back covers a DST jump right at midnight).
        for (var start = localDate.AddDays(-2); start <= localDate; start = start.AddDays(1))
        {
            if (Opening(start) is { } o && o.Start <= instant && instant < o.End)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The first instant at or after <paramref name="instant"/> when the window is open; null if it never opens again.</summary>
    public DateTimeOffset? NextOpening(DateTimeOffset instant)
    {
        if (IsOpen(instant))
        {
            return instant;
        }

        var first = LocalDate(instant).AddDays(-1);
        for (var day = first; day <= first.AddDays(SearchDays); day = day.AddDays(1))
        {
            if (Opening(day) is not { } o)
            {
                continue;
            }

            if (o.Start >= instant && IsOpen(o.Start))
            {
                return o.Start;
            }
        }

        return null;
    }

    /// <summary>When the opening that contains <paramref name="instant"/> closes; null when the window is closed then.</summary>
    public DateTimeOffset? ClosesAt(DateTimeOffset instant)
    {
        if (!IsOpen(instant))
        {
            return null;
        }

        var localDate = LocalDate(instant);
        for (var start = localDate.AddDays(-2); start <= localDate; start = start.AddDays(1))
        {
            if (Opening(start) is { } o && o.Start <= instant && instant < o.End)
            {
                // A blacked-out next day ends the opening at its midnight.
                var tomorrow = localDate.AddDays(1);
                var midnight = ToInstant(tomorrow, TimeOnly.MinValue);
                return _blackout.Contains(tomorrow) && midnight < o.End ? midnight : o.End;
            }
        }

        return null;
    }

    private (DateTimeOffset Start, DateTimeOffset End)? Opening(DateOnly day)
    {
        if (!_window.Days.Contains(day.DayOfWeek) || _blackout.Contains(day))
        {
            return null;
        }

        var endDay = _window.To > _window.From ? day : day.AddDays(1);
        return (ToInstant(day, _window.From), ToInstant(endDay, _window.To));
    }

    private DateOnly LocalDate(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, _zone).DateTime);

    private DateTimeOffset ToInstant(DateOnly day, TimeOnly time)
    {
        var local = day.ToDateTime(time, DateTimeKind.Unspecified);
        if (_zone.IsInvalidTime(local))
        {
            // Skipped by a forward jump: shift by the jump, so 02:30 on a 02:00→03:00 night becomes 03:30.
            var before = _zone.GetUtcOffset(local.AddHours(-3));
            var after = _zone.GetUtcOffset(local.AddHours(3));
            return new DateTimeOffset(local + (after - before), after);
        }

        if (_zone.IsAmbiguousTime(local))
        {
            // Twice on a backward jump: take the earlier occurrence, which has the larger (pre-jump) offset.
            var offsets = _zone.GetAmbiguousTimeOffsets(local);
            return new DateTimeOffset(local, offsets.Max());
        }

        return new DateTimeOffset(local, _zone.GetUtcOffset(local));
    }
}
