using System.Collections.Concurrent;
using Quartz;
using ReleaseGate.Core.Schedule;

namespace ReleaseGate.Core.Tests.Schedule;

/// <summary>The cutoff calendar port as the web host fills it: Quartz's own cron reader, referenced from the tests only.</summary>
internal sealed class QuartzCalendar : ICutoffCalendar
{
    public static readonly QuartzCalendar Instance = new();

    private readonly ConcurrentDictionary<(string, string), CronExpression> parsed = new();

    public bool IsValid(string cron) => CronExpression.TryParse(cron, out _);

    public DateTimeOffset? NextFire(string cron, TimeZoneInfo zone, DateTimeOffset after) =>
        parsed.GetOrAdd((cron, zone.Id), _ => new CronExpression(cron, zone)).GetNextValidTimeAfter(after);
}
