using Microsoft.Extensions.Time.Testing;
using Runbook.Engine.Windows;
using Runbook.Plan.Model;

namespace Runbook.Tests.Engine.Windows;

public sealed class WindowScheduleTests
{
    private static readonly TimeZoneInfo Tokyo = TimeZones.Find("Asia/Tokyo")!;
    private static readonly TimeZoneInfo Berlin = TimeZones.Find("Europe/Berlin")!;
    private static readonly TimeZoneInfo NewYork = TimeZones.Find("America/New_York")!;

    private static WindowDefinition Window(TimeOnly from, TimeOnly to, DayOfWeek[]? days = null, DateOnly[]? blackout = null) =>
        new() { Name = "cutover", From = from, To = to, Days = days ?? Enum.GetValues<DayOfWeek>(), Blackout = blackout ?? [] };

    private static DateTimeOffset At(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Given_a_Saturday_night_window_in_Tokyo_When_the_clock_moves_through_it_Then_it_opens_at_22_and_closes_at_04_on_Sunday()
    {
        var schedule = new WindowSchedule(Window(new(22, 0), new(4, 0), [DayOfWeek.Saturday]), Tokyo);
        var time = new FakeTimeProvider(At("2026-12-05T21:00:00+09:00"));

        Assert.False(schedule.IsOpen(time.GetUtcNow()));
        Assert.Equal(At("2026-12-05T22:00:00+09:00"), schedule.NextOpening(time.GetUtcNow()));

        time.Advance(TimeSpan.FromHours(1));
        Assert.True(schedule.IsOpen(time.GetUtcNow()));
        time.Advance(TimeSpan.FromHours(6) - TimeSpan.FromSeconds(1)); // Sunday 03:59:59, past midnight
        Assert.True(schedule.IsOpen(time.GetUtcNow()));
        Assert.Equal(At("2026-12-06T04:00:00+09:00"), schedule.ClosesAt(time.GetUtcNow()));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(schedule.IsOpen(time.GetUtcNow()));
        Assert.Equal(At("2026-12-12T22:00:00+09:00"), schedule.NextOpening(time.GetUtcNow()));
    }

    [Fact]
    public void Given_a_window_crossing_midnight_When_it_is_Sunday_early_morning_but_only_Sunday_is_listed_Then_Saturdays_night_does_not_count()
    {
        var schedule = new WindowSchedule(Window(new(22, 0), new(4, 0), [DayOfWeek.Sunday]), Tokyo);

        Assert.False(schedule.IsOpen(At("2026-12-06T01:00:00+09:00")));
        Assert.True(schedule.IsOpen(At("2026-12-07T01:00:00+09:00")));
        Assert.Equal(At("2026-12-06T22:00:00+09:00"), schedule.NextOpening(At("2026-12-06T01:00:00+09:00")));
    }

    [Fact]
    public void Given_a_blackout_on_new_years_day_When_the_night_window_of_new_years_eve_runs_past_midnight_Then_it_closes_at_midnight()
    {
        var schedule = new WindowSchedule(Window(new(22, 0), new(2, 0), blackout: [new DateOnly(2027, 1, 1)]), Tokyo);

        Assert.True(schedule.IsOpen(At("2026-12-31T23:30:00+09:00")));
        Assert.Equal(At("2027-01-01T00:00:00+09:00"), schedule.ClosesAt(At("2026-12-31T23:30:00+09:00")));
        Assert.False(schedule.IsOpen(At("2027-01-01T00:30:00+09:00")));
        // New Year's Day's own night opening is cancelled too, after midnight included: next is the 2nd at 22:00.
        Assert.False(schedule.IsOpen(At("2027-01-02T01:00:00+09:00")));
        Assert.Equal(At("2027-01-02T22:00:00+09:00"), schedule.NextOpening(At("2027-01-01T00:30:00+09:00")));
    }

    [Fact]
    public void Given_weekend_daytime_window_with_a_blacked_out_saturday_When_asked_on_friday_Then_it_opens_sunday_morning()
    {
        var schedule = new WindowSchedule(
            Window(new(9, 0), new(17, 0), [DayOfWeek.Saturday, DayOfWeek.Sunday], [new DateOnly(2026, 12, 5)]), Tokyo);

        Assert.Equal(At("2026-12-06T09:00:00+09:00"), schedule.NextOpening(At("2026-12-04T12:00:00+09:00")));
        Assert.False(schedule.IsOpen(At("2026-12-05T12:00:00+09:00")));
    }

    [Fact]
    public void Given_Berlin_spring_forward_When_the_window_starts_inside_the_skipped_hour_Then_it_starts_one_hour_later_on_the_wall()
    {
        // 2026-03-29: clocks jump 02:00 CET → 03:00 CEST; 02:30 does not exist and becomes 03:30 CEST (01:30 UTC).
        var schedule = new WindowSchedule(Window(new(2, 30), new(6, 0), [DayOfWeek.Sunday]), Berlin);
        var time = new FakeTimeProvider(At("2026-03-28T12:00:00Z"));

        Assert.Equal(At("2026-03-29T01:30:00Z"), schedule.NextOpening(time.GetUtcNow()));
        time.SetUtcNow(At("2026-03-29T01:29:59Z"));
        Assert.False(schedule.IsOpen(time.GetUtcNow()));
        time.SetUtcNow(At("2026-03-29T03:59:59Z")); // 05:59:59 CEST
        Assert.True(schedule.IsOpen(time.GetUtcNow()));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(schedule.IsOpen(time.GetUtcNow()));
    }

    [Fact]
    public void Given_Berlin_fall_back_When_the_window_starts_in_the_repeated_hour_Then_it_starts_at_the_first_occurrence_and_lasts_two_real_hours()
    {
        // 2026-10-25: 03:00 CEST → 02:00 CET; 02:30 happens twice. 02:30 CEST = 00:30 UTC, 03:30 CET = 02:30 UTC.
        var schedule = new WindowSchedule(Window(new(2, 30), new(3, 30), [DayOfWeek.Sunday]), Berlin);

        Assert.Equal(At("2026-10-25T00:30:00Z"), schedule.NextOpening(At("2026-10-24T12:00:00Z")));
        Assert.True(schedule.IsOpen(At("2026-10-25T01:45:00Z"))); // 02:45 CET, the second pass
        Assert.False(schedule.IsOpen(At("2026-10-25T02:30:00Z")));
    }

    [Fact]
    public void Given_a_New_York_night_window_across_the_spring_change_When_asked_Then_local_wall_times_hold_on_both_sides()
    {
        // 2026-03-08: EST (-5) → EDT (-4) at 02:00. A 22:00–05:00 window: Saturday night opens 03:00 UTC, closes 09:00 UTC.
        var schedule = new WindowSchedule(Window(new(22, 0), new(5, 0), [DayOfWeek.Saturday]), NewYork);

        Assert.Equal(At("2026-03-08T03:00:00Z"), schedule.NextOpening(At("2026-03-07T12:00:00Z")));
        Assert.True(schedule.IsOpen(At("2026-03-08T08:59:59Z")));
        Assert.False(schedule.IsOpen(At("2026-03-08T09:00:00Z")));
    }

    [Fact]
    public void Given_a_window_with_no_days_When_asked_for_the_next_opening_Then_there_is_none()
    {
        var schedule = new WindowSchedule(Window(new(22, 0), new(4, 0), []), Tokyo);

        Assert.Null(schedule.NextOpening(At("2026-12-05T12:00:00Z")));
    }

    [Fact]
    public void Given_from_equal_to_to_When_asked_Then_the_window_is_open_all_day_on_listed_days()
    {
        var schedule = new WindowSchedule(Window(new(0, 0), new(0, 0), [DayOfWeek.Saturday]), Tokyo);

        Assert.True(schedule.IsOpen(At("2026-12-05T23:59:00+09:00")));
        Assert.False(schedule.IsOpen(At("2026-12-06T00:00:00+09:00")));
    }
}
