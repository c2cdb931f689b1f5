using System.Collections.Concurrent;
using Quartz;
using ReleaseGate.Core.Schedule;

namespace ReleaseGate.Web.Adapters.Schedule;

/// <summary>Reads a window's cron with Quartz, in the window's IANA time zone, so daylight saving is Quartz's problem.</summary>
public sealed class QuartzCutoffCalendar(ILogger<QuartzCutoffCalendar> log) : ICutoffCalendar
{
    // The board asks for every application on every refresh: parse each (cron, zone) once.
    private readonly ConcurrentDictionary<(string Cron, string Zone), CronExpression?> parsed = new();

    public DateTimeOffset? NextCutoff(ReleaseWindow window, DateTimeOffset after)
    {
        if (window.Cron is not { Length: > 0 } cron)
            return window.CutoffAt > after ? window.CutoffAt : null;
        return parsed.GetOrAdd((cron, window.TimeZoneId), key => Parse(key.Cron, key.Zone, window.Name))?.GetNextValidTimeAfter(after);
    }

    private CronExpression? Parse(string cron, string zone, string window)
    {
        try
        {
            return new CronExpression(cron, TimeZoneInfo.FindSystemTimeZoneById(zone));
        }
        catch (Exception e) when (e is FormatException or TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            log.LogWarning("Release window {Window} has an unusable schedule ({Cron} in {Zone}): {Reason}", window, cron, zone, e.Message);
            return null;
        }
    }
}
