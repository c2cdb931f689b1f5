using System.Collections.Concurrent;
using Quartz;
using ReleaseGate.Core.Schedule;

namespace ReleaseGate.Web.Adapters.Schedule;

/// <summary>Reads cron with Quartz, in the caller's IANA time zone, so daylight saving is Quartz's problem.</summary>
public sealed class QuartzCutoffCalendar(ILogger<QuartzCutoffCalendar> log) : ICutoffCalendar
{
    // The board asks for every application on every refresh: parse each (cron, zone) once.
    private readonly ConcurrentDictionary<(string Cron, string Zone), CronExpression?> parsed = new();

    public bool IsValid(string cron) => CronExpression.TryParse(cron, out _);

    public DateTimeOffset? NextFire(string cron, TimeZoneInfo zone, DateTimeOffset after) =>
        parsed.GetOrAdd((cron, zone.Id), key => Parse(key.Cron, zone))?.GetNextValidTimeAfter(after);

    private CronExpression? Parse(string cron, TimeZoneInfo zone)
    {
        try
        {
            return new CronExpression(cron, zone);
        }
        catch (FormatException e)
        {
            log.LogWarning("Unusable cron {Cron} in {Zone}: {Reason}", cron, zone.Id, e.Message);
            return null;
        }
    }
}
