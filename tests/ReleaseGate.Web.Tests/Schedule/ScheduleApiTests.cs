using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ReleaseGate.Core.Applications;
using ReleaseGate.Core.Promotions;
using ReleaseGate.Core.Schedule;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Web.Tests;

/// <summary>The schedule's people's API over HTTP, with personal access tokens.</summary>
public class ScheduleApiTests : IClassFixture<PeoplePortal>
{
    private readonly PeoplePortal portal;

    public ScheduleApiTests(PeoplePortal portal)
    {
        // Release-now and retry queue into this, so a test sees what was queued without a promotion running.
        portal.Replace<IPromotionQueue>(new QueuedPromotions());
        this.portal = portal;
    }

    private sealed class QueuedPromotions : IPromotionQueue
    {
        public List<Guid> Queued { get; } = [];
        public Task EnqueueAsync(Guid candidateId, CancellationToken ct) { Queued.Add(candidateId); return Task.CompletedTask; }
        public Task RetryAsync(Guid candidateId, TimeSpan after, CancellationToken ct) => EnqueueAsync(candidateId, ct);
    }

    private const string Manager = "rm@example.com";
    private const string Qa = "qa-api@example.com";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<HttpClient> SignedInAsync(string email, string role)
    {
        _ = portal.CreateClient();
        await using (var db = portal.CreateDb())
            if (!db.Users.Any(u => u.Email == email)) await portal.CreateUserAsync(email, role);
        return portal.As(await portal.TokenForAsync(email));
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> BodyAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;

    private async Task<string> AppAsync(string slug)
    {
        await using var db = portal.CreateDb();
        if (!db.Applications.Any(a => a.Slug == slug))
        {
            db.Applications.Add(new Application
            {
                Slug = slug, StagingRepository = $"127.0.0.1:5001/{slug}", ProductionRepository = $"127.0.0.1:5002/{slug}", SwarmService = slug,
                TestEnvironment = new TestEnvironmentSpec { ContainerName = slug, PublishedPort = 18099 },
            });
            await db.SaveChangesAsync(Ct);
        }
        return slug;
    }

    [Fact]
    public async Task A_release_manager_creates_changes_lists_and_deletes_a_window()
    {
        var client = await SignedInAsync(Manager, Roles.ReleaseManager);

        var created = await client.PostAsync("/api/v1/windows", Json("""{ "name": "api friday", "cron": "0 0 18 ? * FRI", "timeZone": "Asia/Shanghai", "reminderHours": 2 }"""), Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var window = await BodyAsync(created);
        var id = window.GetProperty("id").GetInt32();
        Assert.Equal($"/api/v1/windows/{id}", created.Headers.Location!.OriginalString);
        Assert.False(window.TryGetProperty("cutoffAt", out _));
        var next = window.GetProperty("nextCutoffs")[0].GetDateTimeOffset();
        Assert.Equal((DayOfWeek.Friday, 18, TimeSpan.FromHours(8)), (next.DayOfWeek, next.Hour, next.Offset));

        var changed = await client.PutAsync($"/api/v1/windows/{id}", Json("""{ "name": "api friday", "cron": "0 30 17 ? * FRI", "timeZone": "Asia/Shanghai" }"""), Ct);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal("0 30 17 ? * FRI", (await BodyAsync(changed)).GetProperty("cron").GetString());

        var list = await BodyAsync(await client.GetAsync("/api/v1/windows", Ct));
        Assert.Contains(list.EnumerateArray(), w => w.GetProperty("id").GetInt32() == id);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/windows/{id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"/api/v1/windows/{id}", Ct)).StatusCode);
    }

    [Fact]
    public async Task QA_reads_windows_but_may_not_create_one()
    {
        var client = await SignedInAsync(Qa, Roles.QA);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/windows", Ct)).StatusCode);
        var refused = await client.PostAsync("/api/v1/windows", Json("""{ "name": "qa window", "cron": "0 0 18 ? * FRI" }"""), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType!.MediaType);
    }

    [Theory]
    [InlineData("""{ "name": "bad", "cron": "every friday" }""", "cron")]
    [InlineData("""{ "name": "bad", "cron": "0 0 18 ? * FRI", "timeZone": "Mars/Olympus" }""", "timeZone")]
    [InlineData("""{ "name": "bad", "cutoffAt": "2020-01-01T10:00:00Z" }""", "cutoffAt")]
    [InlineData("""{ "name": "bad", "cutoffAt": "next friday" }""", "cutoffAt")]
    [InlineData("""{ "name": 7, "cron": "0 0 18 ? * FRI" }""", "name")]
    [InlineData("""{ "name": "bad", "cron": "0 0 18 ? * FRI" """, "body")]
    public async Task A_bad_field_is_a_400_naming_the_field(string json, string field)
    {
        var client = await SignedInAsync(Manager, Roles.ReleaseManager);

        var response = await client.PostAsync("/api/v1/windows", Json(json), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, (await BodyAsync(response)).GetProperty("field").GetString());
    }

    [Fact]
    public async Task An_unknown_window_is_a_404()
    {
        var client = await SignedInAsync(Manager, Roles.ReleaseManager);

        var response = await client.PutAsync("/api/v1/windows/999999", Json("""{ "name": "x", "cron": "0 0 18 ? * FRI" }"""), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync("/api/v1/freezes/999999", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/api/v1/candidates/{Guid.NewGuid()}/promotion/retry", Json("{}"), Ct)).StatusCode);
    }

    [Fact]
    public async Task Release_now_without_an_approved_candidate_is_a_409_and_without_a_reason_a_400()
    {
        var client = await SignedInAsync(Manager, Roles.ReleaseManager);
        var slug = await AppAsync("api-release-now");

        var wrongPhase = await client.PostAsync($"/api/v1/applications/{slug}/release-now", Json("""{ "reason": "hotfix" }"""), Ct);
        var noReason = await client.PostAsync($"/api/v1/applications/{slug}/release-now", Json("{}"), Ct);

        Assert.Equal(HttpStatusCode.Conflict, wrongPhase.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Equal("reason", (await BodyAsync(noReason)).GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/api/v1/applications/no-such-app/release-now", Json("""{ "reason": "x" }"""), Ct)).StatusCode);
    }

    [Fact]
    public async Task A_freeze_over_a_cutoff_is_listed_and_the_cutoff_can_be_overridden_once()
    {
        var client = await SignedInAsync(Manager, Roles.ReleaseManager);
        await AppAsync("api-freeze");
        var cutoff = DateTimeOffset.UtcNow.AddDays(3);
        cutoff = new DateTimeOffset(cutoff.Year, cutoff.Month, cutoff.Day, 10, 0, 0, TimeSpan.Zero);
        var window = await BodyAsync(await client.PostAsync("/api/v1/windows", Json($$"""{ "name": "api one-off", "cutoffAt": "{{cutoff:O}}" }"""), Ct));
        var windowId = window.GetProperty("id").GetInt32();

        var freeze = await client.PostAsync("/api/v1/freezes", Json($$"""{ "reason": "api freeze", "startsAt": "{{cutoff.AddHours(-1):O}}", "endsAt": "{{cutoff.AddHours(1):O}}", "applications": ["api-freeze"] }"""), Ct);
        Assert.Equal(HttpStatusCode.Created, freeze.StatusCode);
        var freezeId = (await BodyAsync(freeze)).GetProperty("id").GetInt32();
        Assert.Contains((await BodyAsync(await client.GetAsync("/api/v1/freezes", Ct))).EnumerateArray(), f => f.GetProperty("reason").GetString() == "api freeze");

        var overridden = await client.PostAsync($"/api/v1/windows/{windowId}/overrides", Json($$"""{ "cutoffAt": "{{cutoff:O}}", "reason": "customer demo" }"""), Ct);
        Assert.Equal(HttpStatusCode.Created, overridden.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsync($"/api/v1/windows/{windowId}/overrides", Json($$"""{ "cutoffAt": "{{cutoff:O}}", "reason": "again" }"""), Ct)).StatusCode);

        var badEnd = await client.PostAsync("/api/v1/freezes", Json($$"""{ "reason": "backwards", "startsAt": "{{cutoff:O}}", "endsAt": "{{cutoff.AddHours(-1):O}}" }"""), Ct);
        Assert.Equal("endsAt", (await BodyAsync(badEnd)).GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/freezes/{freezeId}", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_window_declared_in_the_file_cannot_be_changed_over_the_api()
    {
        var client = await SignedInAsync(Manager, Roles.ReleaseManager);
        int id;
        await using (var db = portal.CreateDb())
        {
            var w = new ReleaseWindow { Name = "from git", Cron = "0 0 18 ? * FRI", DeclaredInFile = true };
            db.ReleaseWindows.Add(w);
            await db.SaveChangesAsync(Ct);
            id = w.Id;
        }

        var response = await client.DeleteAsync($"/api/v1/windows/{id}", Ct);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("applications file", (await BodyAsync(response)).GetProperty("detail").GetString());
    }
}
