using System.Net;
using Ical.Net;
using Microsoft.Extensions.DependencyInjection;
using ReleaseGate.Core.Schedule;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Web.Tests;

public class CalendarFeedTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    private const string Owner = "feed@example.com";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<string> IssueAsync()
    {
        _ = portal.CreateClient();
        await using (var db = portal.CreateDb())
            if (!db.Users.Any(u => u.Email == Owner)) await portal.CreateUserAsync(Owner, Roles.QA);
        await using var scope = portal.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<IssueCalendarFeed>().RunAsync(Owner, Ct)).Value!;
    }

    [Fact]
    public async Task The_feed_holds_the_cutoffs_and_freezes_at_their_utc_instants()
    {
        var soon = DateTimeOffset.UtcNow.AddDays(2);
        var oneOff = new DateTimeOffset(soon.Year, soon.Month, soon.Day, 7, 30, 0, TimeSpan.Zero);
        var (freezeStart, freezeEnd) = (oneOff.AddDays(10), oneOff.AddDays(12));
        await using (var db = portal.CreateDb())
        {
            db.ReleaseWindows.Add(new ReleaseWindow { Name = "feed friday", Cron = "0 0 18 ? * FRI", TimeZoneId = "Asia/Shanghai" });
            db.ReleaseWindows.Add(new ReleaseWindow { Name = "feed one-off", CutoffAt = oneOff });
            db.Freezes.Add(new Freeze { Reason = "feed freeze", StartsAt = freezeStart, EndsAt = freezeEnd });
            await db.SaveChangesAsync(Ct);
        }
        var token = await IssueAsync();

        var response = await portal.CreateClient().GetAsync($"/calendar/{token}.ics", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/calendar", response.Content.Headers.ContentType!.MediaType);
        var calendar = Calendar.Load(await response.Content.ReadAsStringAsync(Ct))!;
        var fridays = calendar.Events.Where(e => e.Summary!.Contains("feed friday")).ToList();
        Assert.InRange(fridays.Count, 12, 14);
        // Friday 18:00 in Shanghai is Friday 10:00 UTC.
        Assert.All(fridays, e => Assert.Equal((DayOfWeek.Friday, 10, 0), (e.Start!.AsUtc.DayOfWeek, e.Start.AsUtc.Hour, e.Start.AsUtc.Minute)));
        Assert.Equal(oneOff.UtcDateTime, Assert.Single(calendar.Events, e => e.Summary!.Contains("feed one-off")).Start!.AsUtc);
        var freeze = Assert.Single(calendar.Events, e => e.Summary == "Freeze: feed freeze");
        Assert.Equal((freezeStart.UtcDateTime, freezeEnd.UtcDateTime), (freeze.Start!.AsUtc, freeze.End!.AsUtc));
    }

    [Fact]
    public async Task A_revoked_or_unknown_feed_is_not_found()
    {
        var token = await IssueAsync();
        var client = portal.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/calendar/{token}.ics", Ct)).StatusCode);

        await using (var scope = portal.Services.CreateAsyncScope())
            Assert.False((await scope.ServiceProvider.GetRequiredService<RevokeCalendarFeed>().RunAsync(Owner, Ct)).IsRefused);

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/calendar/{token}.ics", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/calendar/rgc_not-a-token.ics", Ct)).StatusCode);
    }

    [Fact]
    public async Task Regenerating_stops_the_old_address()
    {
        var first = await IssueAsync();
        var second = await IssueAsync();
        var client = portal.CreateClient();

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/calendar/{first}.ics", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/calendar/{second}.ics", Ct)).StatusCode);
    }
}
