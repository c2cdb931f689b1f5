using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using ReleaseGate.Core.Schedule;

namespace ReleaseGate.Web.Api;

/// <summary>
/// GET /calendar/{token}.ics: a person's secret feed of the next 90 days of cutoffs and freezes. Anonymous, since calendar
/// apps cannot send headers; the token in the address is the secret, and an unknown or revoked one is a plain 404.
/// </summary>
public static class CalendarFeedEndpoint
{
    public static void MapCalendarFeed(this IEndpointRouteBuilder app) =>
        app.MapGet("/calendar/{token}.ics", async (string token, HttpContext http, ReadCalendarFeed read, TimeProvider time) =>
        {
            var outcome = await read.RunAsync(token, http.RequestAborted);
            if (outcome.IsRefused) return Results.NotFound();
            http.Response.Headers.CacheControl = "private, max-age=300";
            return Results.Text(Write(outcome.Value!, time.GetUtcNow()), "text/calendar; charset=utf-8");
        }).AllowAnonymous().ExcludeFromDescription();

    /// <summary>Instants in UTC: each calendar shows them in its owner's zone; the window's zone is in the description.</summary>
    public static string Write(ScheduleView schedule, DateTimeOffset now)
    {
        var calendar = new Ical.Net.Calendar { ProductId = "-//ReleaseGate//Schedule//EN" };
        calendar.AddProperty("X-WR-CALNAME", "ReleaseGate");
        foreach (var c in schedule.Cutoffs)
        {
            var promotes = c.Would(CutoffAction.Promote).Select(p => p.Version).ToList();
            calendar.Events.Add(new CalendarEvent
            {
                Uid = $"cutoff-{c.WindowId}-{c.At.UtcTicks}@releasegate",
                Summary = $"Cutoff: {c.Window}" + (c.State == CutoffState.Frozen ? " (frozen)" : ""),
                Description = $"Window '{c.Window}' ({c.TimeZone}), state {c.State}."
                    + (promotes.Count > 0 ? $" Would promote now: {string.Join(", ", promotes)}." : ""),
                Start = Utc(c.At),
                End = Utc(c.At.AddMinutes(15)),
                DtStamp = Utc(now),
            });
        }
        foreach (var p in schedule.FreezePeriods)
        {
            calendar.Events.Add(new CalendarEvent
            {
                Uid = $"freeze-{p.FreezeId}-{p.Start.UtcTicks}@releasegate",
                Summary = $"Freeze: {p.Reason}",
                Description = p.Applications.Count == 0 ? "All applications." : $"Applications: {string.Join(", ", p.Applications)}.",
                Start = Utc(p.Start),
                // An end cron that never fires again: show the freeze up to the end of the feed's range.
                End = Utc(p.End ?? now.AddDays(ReadCalendarFeed.Days)),
                DtStamp = Utc(now),
            });
        }
        return new CalendarSerializer().SerializeToString(calendar)!;
    }

    private static CalDateTime Utc(DateTimeOffset at) => new(at.UtcDateTime);
}
