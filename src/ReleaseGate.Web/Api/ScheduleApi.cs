using ReleaseGate.Core.Access;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ReleaseGate.Core;
using ReleaseGate.Core.Promotions;
using ReleaseGate.Core.Schedule;

namespace ReleaseGate.Web.Api;

/// <summary>The people's API for the schedule: windows, freezes, overrides, release-now and retry. Core checks the roles.</summary>
public static class ScheduleApi
{
    public sealed record WindowJson(int Id, string Name,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? CutoffAt,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Cron,
        string TimeZone, IReadOnlyList<string> Applications, int ReminderHours, bool DeclaredInFile, IReadOnlyList<DateTimeOffset> NextCutoffs);

    public sealed record FreezeJson(int Id, string Reason,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? StartsAt,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? EndsAt,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? StartCron,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? EndCron,
        string TimeZone, IReadOnlyList<string> Applications, bool DeclaredInFile, bool ActiveNow);

    public sealed record OverrideJson(int Id, int WindowId, DateTimeOffset CutoffAt, string Reason, string By, DateTimeOffset At);

    public static void MapScheduleApi(this IEndpointRouteBuilder app)
    {
        // Cookie or (soon) bearer token through the default policy; JSON bodies only, so no antiforgery token.
        // Mapped inside the people's API group: a personal access token (reads also a signature), never a cookie.
        var v1 = app.MapGroup("").WithTags("Schedule");
        v1.MapGet("/windows", ListWindowsAsync).WithSummary("Release windows with their next cutoffs").Needs(PortalAction.ReadSchedule);
        v1.MapPost("/windows", (HttpContext http, SaveReleaseWindow save) => SaveWindowAsync(http, save, null)).WithSummary("Create a release window").Needs(PortalAction.EditSchedule);
        v1.MapPut("/windows/{id:int}", (int id, HttpContext http, SaveReleaseWindow save) => SaveWindowAsync(http, save, id)).WithSummary("Change a release window").Needs(PortalAction.EditSchedule);
        v1.MapDelete("/windows/{id:int}", async (int id, HttpContext http, DeleteReleaseWindow delete) =>
            Answer(http, await delete.RunAsync(id, Actor(http), http.RequestAborted), _ => Results.NoContent())).Needs(PortalAction.EditSchedule);
        v1.MapPost("/windows/{id:int}/overrides", OverrideAsync).WithSummary("Let one frozen cutoff go ahead, with a reason").Needs(PortalAction.EditSchedule);
        v1.MapGet("/freezes", ListFreezesAsync).WithSummary("Freezes not yet over").Needs(PortalAction.ReadSchedule);
        v1.MapPost("/freezes", SaveFreezeAsync).WithSummary("Create a freeze").Needs(PortalAction.EditSchedule);
        v1.MapDelete("/freezes/{id:int}", async (int id, HttpContext http, DeleteFreeze delete) =>
            Answer(http, await delete.RunAsync(id, Actor(http), http.RequestAborted), _ => Results.NoContent())).Needs(PortalAction.EditSchedule);
        v1.MapPost("/applications/{slug}/release-now", ReleaseNowAsync).WithSummary("An ad-hoc cutoff for one application").Needs(PortalAction.ReleaseNow);
        v1.MapPost("/candidates/{id:guid}/promotion/retry", async (Guid id, HttpContext http, RetryPromotion retry) =>
            Answer(http, await retry.RunAsync(id, Actor(http), http.RequestAborted), _ => Results.Accepted($"/api/v1/candidates/{id}")))
            .WithSummary("Retry an errored promotion").Needs(PortalAction.RetryPromotion);
    }

    // A signed integration may read; writes need a person, and Core refuses an integration key as an unknown user.
    private static string Actor(HttpContext http) => PersonOrSignature.Person(http) ?? "";

    /// <summary>A refusal becomes its status in ApiProblems; a value becomes what <paramref name="ok"/> makes of it.</summary>
    private static IResult Answer<T>(HttpContext http, Outcome<T> outcome, Func<T, IResult> ok) =>
        outcome.Refusal is { } refusal ? new Deferred(() => ApiProblems.RefuseAsync(http, refusal)) : ok(outcome.Value!);

    private sealed class Deferred(Func<Task<Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult>> make) : IResult
    {
        public async Task ExecuteAsync(HttpContext http) => await (await make()).ExecuteAsync(http);
    }

    private static async Task<IResult> ListWindowsAsync(HttpContext http, ListReleaseWindows list) =>
        Answer(http, await list.RunAsync(ct: http.RequestAborted), views => ApiAnswer.Of(200, views.Select(Window).ToList()));

    private static async Task<IResult> ListFreezesAsync(HttpContext http, ListFreezes list) =>
        Answer(http, await list.RunAsync(http.RequestAborted), views => ApiAnswer.Of(200, views.Select(Freeze).ToList()));

    private static async Task<IResult> SaveWindowAsync(HttpContext http, SaveReleaseWindow save, int? id)
    {
        var (root, bad) = await ScheduleJson.ReadAsync(http);
        if (bad is not null) return bad;
        using var _ = root;
        var f = new JsonFields(root!.RootElement);
        var form = new ReleaseWindowForm(id, f.String("name", required: true, 200), ScheduleJson.Instant(f, "cutoffAt"),
            f.String("cron", required: false, 200), f.String("timeZone", required: false, 100), f.Strings("applications", 200, 63),
            f.Int("reminderHours", required: false, 0, SaveReleaseWindow.MaxReminderHours) ?? 0);
        if (!f.IsValid) return await ApiProblems.InvalidAsync(http, f.Errors);
        return Answer(http, await save.RunAsync(form, Actor(http), http.RequestAborted), v => id is null
            ? ApiAnswer.Of(201, Window(v), $"/api/v1/windows/{v.Id}") : ApiAnswer.Of(200, Window(v)));
    }

    private static async Task<IResult> SaveFreezeAsync(HttpContext http, SaveFreeze save)
    {
        var (root, bad) = await ScheduleJson.ReadAsync(http);
        if (bad is not null) return bad;
        using var _ = root;
        var f = new JsonFields(root!.RootElement);
        var form = new FreezeForm(null, f.String("reason", required: true, 500),
            ScheduleJson.Instant(f, "startsAt"), ScheduleJson.Instant(f, "endsAt"),
            f.String("startCron", required: false, 200), f.String("endCron", required: false, 200), f.String("timeZone", required: false, 100),
            f.Strings("applications", 200, 63));
        if (!f.IsValid) return await ApiProblems.InvalidAsync(http, f.Errors);
        return Answer(http, await save.RunAsync(form, Actor(http), http.RequestAborted), v => ApiAnswer.Of(201, Freeze(v), $"/api/v1/freezes/{v.Id}"));
    }

    private static async Task<IResult> OverrideAsync(int id, HttpContext http, OverrideCutoff overrideCutoff)
    {
        var (root, bad) = await ScheduleJson.ReadAsync(http);
        if (bad is not null) return bad;
        using var _ = root;
        var f = new JsonFields(root!.RootElement);
        var at = ScheduleJson.Instant(f, "cutoffAt");
        if (at is null && f.IsValid) f.Fail("cutoffAt", "is required.");
        var reason = f.String("reason", required: true, 500);
        if (!f.IsValid) return await ApiProblems.InvalidAsync(http, f.Errors);
        return Answer(http, await overrideCutoff.RunAsync(id, at!.Value, reason, Actor(http), http.RequestAborted),
            o => ApiAnswer.Of(201, new OverrideJson(o.Id, o.WindowId, o.CutoffAt, o.Reason, o.By, o.At)));
    }

    private static async Task<IResult> ReleaseNowAsync(string slug, HttpContext http, ReleaseNow releaseNow)
    {
        var (root, bad) = await ScheduleJson.ReadAsync(http);
        if (bad is not null) return bad;
        using var _ = root;
        var f = new JsonFields(root!.RootElement);
        var reason = f.String("reason", required: true, 500);
        var overrideFreeze = root.RootElement.TryGetProperty("overrideFreeze", out var o) && o.ValueKind == JsonValueKind.True;
        if (!f.IsValid) return await ApiProblems.InvalidAsync(http, f.Errors);
        return Answer(http, await releaseNow.RunAsync(slug, reason, Actor(http), overrideFreeze, http.RequestAborted),
            r => ApiAnswer.Of(202, r));
    }

    private static WindowJson Window(ReleaseWindowView v)
    {
        // Times in the window's own zone, with its offset: what its team reads.
        var zone = Cutoffs.FindZone(v.TimeZone) ?? TimeZoneInfo.Utc;
        return new(v.Id, v.Name, v.CutoffAt is { } at ? TimeZoneInfo.ConvertTime(at, zone) : null, v.Cron, v.TimeZone, v.Applications,
            v.ReminderHours, v.DeclaredInFile, v.NextCutoffs.Select(c => TimeZoneInfo.ConvertTime(c, zone)).ToList());
    }

    private static FreezeJson Freeze(FreezeView v) =>
        new(v.Id, v.Reason, v.StartsAt, v.EndsAt, v.StartCron, v.EndCron, v.TimeZone, v.Applications, v.DeclaredInFile, v.ActiveNow);
}

/// <summary>The schedule API's JSON helpers.</summary>
internal static class ScheduleJson
{
    /// <summary>The body the people's API filter already read (size-checked), as one JSON object, or why not.</summary>
    public static async Task<(JsonDocument? Root, IResult? Refusal)> ReadAsync(HttpContext http) =>
        await JsonBody.ReadAsync(http) is { } root ? (root, null) : (null, JsonBody.Refusal(http));

    /// <summary>An ISO 8601 instant with its offset; a time without one is ambiguous, so it is refused.</summary>
    public static DateTimeOffset? Instant(JsonFields f, string name)
    {
        var s = f.String(name, required: false, 64);
        if (s is null or "") return null;
        if (DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
            && (s.EndsWith('Z') || s.EndsWith('z') || System.Text.RegularExpressions.Regex.IsMatch(s, @"[+-]\d\d:?\d\d$")))
            return at;
        f.Fail(name, "must be an ISO 8601 time with its offset, e.g. 2026-12-24T18:00:00+08:00.");
        return null;
    }
}
