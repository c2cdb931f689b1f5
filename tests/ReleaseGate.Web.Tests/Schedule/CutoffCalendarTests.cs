using Microsoft.Extensions.Logging.Abstractions;
using ReleaseGate.Core.Schedule;
using ReleaseGate.Web.Adapters.Schedule;

namespace ReleaseGate.Web.Tests;

public class CutoffCalendarTests
{
    private readonly QuartzCutoffCalendar calendar = new(NullLogger<QuartzCutoffCalendar>.Instance);

    [Fact]
    public void A_cron_window_is_read_in_its_own_time_zone()
    {
        var window = new ReleaseWindow { Name = "friday", Cron = "0 0 18 ? * FRI", TimeZoneId = "Asia/Shanghai" };
        // Thursday 26 November 2026, midnight UTC: the next Friday 18:00 in Shanghai is 10:00 UTC on the 27th.
        Assert.Equal(DateTimeOffset.Parse("2026-11-27T10:00:00Z"), calendar.NextCutoff(window, DateTimeOffset.Parse("2026-11-26T00:00:00Z")));
    }

    [Fact]
    public void Daylight_saving_moves_the_utc_time_of_a_local_cutoff()
    {
        var window = new ReleaseWindow { Name = "daily", Cron = "0 0 9 * * ?", TimeZoneId = "Europe/Berlin" };
        Assert.Equal(DateTimeOffset.Parse("2026-07-01T07:00:00Z"), calendar.NextCutoff(window, DateTimeOffset.Parse("2026-07-01T00:00:00Z")));
        Assert.Equal(DateTimeOffset.Parse("2026-12-01T08:00:00Z"), calendar.NextCutoff(window, DateTimeOffset.Parse("2026-12-01T00:00:00Z")));
    }

    [Fact]
    public void A_one_off_window_has_a_cutoff_only_until_it_passes()
    {
        var window = new ReleaseWindow { Name = "once", CutoffAt = DateTimeOffset.Parse("2026-11-26T12:00:00Z") };
        Assert.Equal(window.CutoffAt, calendar.NextCutoff(window, DateTimeOffset.Parse("2026-11-26T11:00:00Z")));
        Assert.Null(calendar.NextCutoff(window, DateTimeOffset.Parse("2026-11-26T12:00:00Z")));
    }

    [Fact]
    public void A_window_with_an_unusable_cron_has_no_cutoff()
    {
        var window = new ReleaseWindow { Name = "bad", Cron = "not a cron", TimeZoneId = "UTC" };
        Assert.Null(calendar.NextCutoff(window, DateTimeOffset.Parse("2026-11-26T11:00:00Z")));
    }
}
