using ReleaseGate.Core.Schedule;

namespace ReleaseGate.Core.Tests.Schedule;

public class CutoffCalendarTests
{
    private static readonly ICutoffCalendar Calendar = QuartzCalendar.Instance;

    private static string[] Utc(IEnumerable<DateTimeOffset> times) => times.Select(t => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm")).ToArray();

    private static ReleaseWindow Daily(string time, string zone)
    {
        var (h, m) = (int.Parse(time[..2]), int.Parse(time[3..]));
        return new ReleaseWindow { Name = "daily", Cron = $"0 {m} {h} * * ?", TimeZoneId = zone };
    }

    [Fact]
    public void A_daily_cutoff_in_Shanghai_falls_at_the_same_utc_time_every_day()
    {
        var cutoffs = Calendar.NextCutoffs(Daily("18:00", "Asia/Shanghai"), DateTimeOffset.Parse("2027-03-26T00:00:00Z"), 4);

        Assert.Equal(["2027-03-26 10:00", "2027-03-27 10:00", "2027-03-28 10:00", "2027-03-29 10:00"], Utc(cutoffs));
    }

    [Fact]
    public void A_daily_cutoff_in_Berlin_moves_an_hour_earlier_in_utc_when_summer_time_starts()
    {
        var cutoffs = Calendar.NextCutoffs(Daily("09:00", "Europe/Berlin"), DateTimeOffset.Parse("2027-03-26T00:00:00Z"), 4);

        Assert.Equal(["2027-03-26 08:00", "2027-03-27 08:00", "2027-03-28 07:00", "2027-03-29 07:00"], Utc(cutoffs));
    }

    [Fact]
    public void A_daily_cutoff_in_Berlin_moves_an_hour_later_in_utc_when_summer_time_ends()
    {
        var cutoffs = Calendar.NextCutoffs(Daily("09:00", "Europe/Berlin"), DateTimeOffset.Parse("2027-10-29T00:00:00Z"), 4);

        Assert.Equal(["2027-10-29 07:00", "2027-10-30 07:00", "2027-10-31 08:00", "2027-11-01 08:00"], Utc(cutoffs));
    }

    [Fact]
    public void A_cutoff_at_a_local_time_that_happens_twice_fires_once()
    {
        // 02:30 happens twice in Berlin on 31 October 2027 (00:30 and 01:30 UTC).
        var cutoffs = Calendar.NextCutoffs(Daily("02:30", "Europe/Berlin"), DateTimeOffset.Parse("2027-10-30T00:00:00Z"), 3);

        Assert.Equal(["2027-10-30 00:30", "2027-10-31 00:30", "2027-11-01 01:30"], Utc(cutoffs));
    }

    [Fact]
    public void A_cutoff_at_a_local_time_that_does_not_exist_is_neither_doubled_nor_lost_on_the_other_days()
    {
        // 02:30 does not exist in Berlin on 28 March 2027: the clocks jump from 02:00 to 03:00.
        var cutoffs = Calendar.NextCutoffs(Daily("02:30", "Europe/Berlin"), DateTimeOffset.Parse("2027-03-27T00:00:00Z"), 3);

        Assert.Equal(3, cutoffs.Count);
        Assert.Equal("2027-03-27 01:30", Utc(cutoffs)[0]);
        Assert.Equal("2027-03-29 00:30", Utc(cutoffs)[^1]);
        Assert.Equal(cutoffs.Count, cutoffs.Select(c => c.UtcDateTime.Date).Distinct().Count());
    }

    [Fact]
    public void The_previous_fire_is_found_looking_back_from_an_instant()
    {
        var berlin = Cutoffs.FindZone("Europe/Berlin")!;

        Assert.Equal(DateTimeOffset.Parse("2027-03-28T07:00:00Z"), Calendar.PreviousFire("0 0 9 * * ?", berlin, DateTimeOffset.Parse("2027-03-28T07:00:00Z")));
        Assert.Equal(DateTimeOffset.Parse("2027-03-27T08:00:00Z"), Calendar.PreviousFire("0 0 9 * * ?", berlin, DateTimeOffset.Parse("2027-03-28T06:59:59Z")));
        // Yearly: looked for across more than a year.
        Assert.Equal(DateTimeOffset.Parse("2026-12-24T11:00:00Z"), Calendar.PreviousFire("0 0 12 24 12 ?", berlin, DateTimeOffset.Parse("2027-10-01T00:00:00Z")));
    }

    [Fact]
    public void A_one_off_window_has_exactly_its_one_cutoff()
    {
        var at = DateTimeOffset.Parse("2027-03-28T07:00:00Z");
        var window = new ReleaseWindow { Name = "once", CutoffAt = at };

        Assert.Equal([at], Calendar.NextCutoffs(window, at.AddDays(-1), 3));
        Assert.True(Calendar.IsCutoff(window, at));
        Assert.False(Calendar.IsCutoff(window, at.AddMinutes(1)));
    }
}

public class ReminderTimeTests
{
    [Fact]
    public void The_next_reminder_is_due_reminder_hours_before_the_first_cutoff_it_can_still_precede()
    {
        var window = new ReleaseWindow { Name = "daily", Cron = "0 0 18 * * ?", TimeZoneId = "Asia/Shanghai", ReminderHours = 4 };

        // 2027-03-01 07:00 UTC = 15:00 in Shanghai: today's 14:00 reminder has passed, so tomorrow's cutoff is next.
        var next = QuartzCalendar.Instance.NextReminder(window, DateTimeOffset.Parse("2027-03-01T07:00:00Z"));

        Assert.Equal((DateTimeOffset.Parse("2027-03-02T10:00:00Z"), DateTimeOffset.Parse("2027-03-02T06:00:00Z")), next);
        Assert.Null(QuartzCalendar.Instance.NextReminder(new ReleaseWindow { Name = "quiet", Cron = window.Cron }, DateTimeOffset.Parse("2027-03-01T07:00:00Z")));
    }
}
