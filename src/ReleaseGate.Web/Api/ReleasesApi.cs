using ReleaseGate.Core.Access;
using System.Text.Json;
using ReleaseGate.Core;
using ReleaseGate.Core.Releases;

namespace ReleaseGate.Web.Api;

/// <summary>The people's API for production: releases and restore, a paused rollout's resume and roll back, the Swarm.</summary>
public static class ReleasesApi
{
    public sealed record ReleaseJson(long Id, string Version, string Digest, Guid? CandidateId, ReleaseKind Kind, ReleaseOutcome Outcome,
        DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, string StartedBy, string Reason, string Message);
    public sealed record TaskJson(int Slot, string Node, string Image, string DesiredState, string CurrentState, string? Error, bool Replaced = false);
    public sealed record RolloutJson(string State, int Updated, int Total, string Message, string Service, string Image, DateTimeOffset? ObservedAt, IReadOnlyList<TaskJson> Tasks);
    public sealed record ServiceJson(string Name, string Mode, int Running, int Desired, string Image, DigestStanding Standing,
        string? UpdateState, string? UpdateMessage, string UpdateConfig, IReadOnlyList<string> Ports, IReadOnlyList<string> EnvNames, bool Managed);

    public static RolloutJson Rollout(Rollout r) => new(r.State, r.Updated, r.Total, r.Message, r.Service, r.Image, r.ObservedAt,
        r.Tasks.Select(t => new TaskJson(t.Slot, t.Node, t.Image, t.DesiredState, t.CurrentState, t.Error, t.Replaced)).ToList());

    public static void MapReleasesApi(this IEndpointRouteBuilder app)
    {
        // Mapped inside the people's API group: a personal access token (reads also a signature), never a cookie.
        var v1 = app.MapGroup("").WithTags("Releases");
        v1.MapGet("/applications/{slug}/releases", async (string slug, HttpContext http, ListReleases list) =>
            await list.RunAsync(slug, http.RequestAborted) is { } releases
                ? (IResult)ApiAnswer.Of(200, releases.Select(r => new ReleaseJson(r.Id, r.Version, r.Digest, r.CandidateId, r.Kind, r.Outcome,
                    r.StartedAt, r.FinishedAt, r.StartedBy, r.Reason, r.Message)).ToList())
                : await ApiProblems.RefuseAsync(http, new Refusal(RefusalCode.NotFound, "slug", $"There is no application '{slug}'.", $"应用 '{slug}' 不存在。")))
            .WithSummary("What production ran, newest first").Needs(PortalAction.ReadReleases);
        v1.MapPost("/applications/{slug}/restore", RestoreAsync).WithSummary("Roll production back to an earlier succeeded release").Needs(PortalAction.Restore);
        v1.MapPost("/candidates/{id:guid}/rollout/resume", async (Guid id, HttpContext http, ResumeRollout resume) =>
            await Answer(http, await resume.RunAsync(id, Actor(http), http.RequestAborted), _ => Results.Accepted($"/api/v1/candidates/{id}")))
            .WithSummary("Resume a paused rollout").Needs(PortalAction.ResumeRollout);
        v1.MapPost("/candidates/{id:guid}/rollout/rollback", async (Guid id, HttpContext http, RollBackRollout rollBack) =>
            await Answer(http, await rollBack.RunAsync(id, Actor(http), http.RequestAborted), _ => Results.Accepted($"/api/v1/candidates/{id}")))
            .WithSummary("Roll back a paused rollout").Needs(PortalAction.RollBack);
        v1.MapGet("/swarm/services", async (HttpContext http, LoadSwarm load) =>
            await Answer(http, await load.RunAsync(http.RequestAborted), view => ApiAnswer.Of(200, view.Services.Select(s => new ServiceJson(
                s.Service.Name, s.Service.Mode, s.Service.Running, s.Service.Desired, s.Service.Image, s.Standing, s.Service.UpdateState,
                s.Service.UpdateMessage, s.Service.UpdateConfig, s.Service.Ports, s.Service.EnvNames, s.Managed)).ToList())))
            .WithSummary("The services, like docker service ls").Needs(PortalAction.ReadSwarm);
        v1.MapGet("/swarm/services/{name}/tasks", async (string name, HttpContext http, ListServiceTasks list) =>
            await Answer(http, await list.RunAsync(name, http.RequestAborted), tasks => ApiAnswer.Of(200,
                tasks.Select(t => new TaskJson(t.Slot, t.Node, t.Image, t.DesiredState, t.CurrentState, t.Error, t.Replaced)).ToList())))
            .WithSummary("A service's tasks, like docker service ps").Needs(PortalAction.ReadSwarm);
        v1.MapPost("/swarm/services/{name}/scale", ScaleAsync).WithSummary("Set a service's replicas").Needs(PortalAction.Scale);
    }

    private static async Task<IResult> RestoreAsync(string slug, HttpContext http, RestoreRelease restore)
    {
        var (root, bad) = await ScheduleJson.ReadAsync(http);
        if (bad is not null) return bad;
        using var _ = root;
        var f = new JsonFields(root!.RootElement);
        long? releaseId = root.RootElement.TryGetProperty("releaseId", out var r) && r.ValueKind == JsonValueKind.Number && r.TryGetInt64(out var n) && n > 0 ? n : null;
        if (releaseId is null) f.Fail("releaseId", "must be the id of an earlier release (a positive whole number).");
        var reason = f.String("reason", required: true, 500);
        // As release-now: during a freeze only an explicit override goes ahead, with the same reason recorded.
        var overrideFreeze = root.RootElement.TryGetProperty("overrideFreeze", out var o) && o.ValueKind == JsonValueKind.True;
        if (!f.IsValid) return await ApiProblems.InvalidAsync(http, f.Errors);
        return await Answer(http, await restore.RunAsync(slug, releaseId!.Value, reason, Actor(http), overrideFreeze, http.RequestAborted),
            release => Results.Accepted($"/api/v1/applications/{slug}/releases", new { release.Id, release.Version, release.Digest }));
    }

    private static async Task<IResult> ScaleAsync(string name, HttpContext http, ScaleService scale)
    {
        var (root, bad) = await ScheduleJson.ReadAsync(http);
        if (bad is not null) return bad;
        using var _ = root;
        var f = new JsonFields(root!.RootElement);
        var replicas = f.Int("replicas", required: true, 0, ScaleService.MaxReplicas);
        if (!f.IsValid) return await ApiProblems.InvalidAsync(http, f.Errors);
        return await Answer(http, await scale.RunAsync(name, replicas!.Value, Actor(http), http.RequestAborted),
            _ => Results.Accepted($"/api/v1/swarm/services/{name}/tasks"));
    }

    // A signed integration may read; writes need a person, and Core refuses an integration key as an unknown user.
    private static string Actor(HttpContext http) => PersonOrSignature.Person(http) ?? "";

    private static async Task<IResult> Answer<T>(HttpContext http, Outcome<T> outcome, Func<T, IResult> ok) =>
        outcome.Refusal is { } refusal ? await ApiProblems.RefuseAsync(http, refusal) : ok(outcome.Value!);
}
