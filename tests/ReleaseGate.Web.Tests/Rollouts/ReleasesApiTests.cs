using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReleaseGate.Core.Releases;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Web.Tests;

/// <summary>The releases and Swarm API over HTTP against the real Swarm, with personal access tokens.</summary>
public class ReleasesApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<HttpClient> SignedInAsync(SwarmWorld world, string email, string? role = null)
    {
        await using (var db = world.Portal.CreateDb())
            if (!await db.Users.AnyAsync(u => u.Email == email, Ct))
                await world.Portal.CreateUserAsync(email, role is null ? [] : [role]);
        using var scope = world.Portal.Services.CreateScope();
        var token = await scope.ServiceProvider.GetRequiredService<CreateToken>().RunAsync(email, email, "tests", null, ReleaseGate.Core.Access.TokenScopes.Legacy);
        var client = world.Portal.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token.Value!.Token);
        return client;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> BodyAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;

    [Fact]
    public async Task Releases_restore_rollout_and_swarm_calls_answer_as_designed()
    {
        await using var world = await SwarmWorld.StartAsync(replicas: 1);
        var v1 = await world.ApprovedAsync("v1");
        await world.ReleaseAsync(v1);
        var v2 = await world.ApprovedAsync("v2");
        await world.ReleaseAsync(v2);
        var rm = await SignedInAsync(world, world.Rm);
        var qa = await SignedInAsync(world, $"qa-{world.Slug}@example.com", Roles.QA);

        var releases = await BodyAsync(await rm.GetAsync($"/api/v1/applications/{world.Slug}/releases", Ct));
        Assert.Equal(["v2", "v1"], releases.EnumerateArray().Select(r => r.GetProperty("version").GetString()));
        Assert.Equal("Succeeded", releases[0].GetProperty("outcome").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await rm.GetAsync("/api/v1/applications/no-such-app/releases", Ct)).StatusCode);

        var candidate = await BodyAsync(await world.Portal.Api().GetAsync($"/api/v1/candidates/{v2}")); // signed, as Jenkins reads it
        var rollout = candidate.GetProperty("rollout");
        Assert.Equal(("completed", 1, 1), (rollout.GetProperty("state").GetString(), rollout.GetProperty("updated").GetInt32(), rollout.GetProperty("total").GetInt32()));
        Assert.EndsWith(Infra.WebV2Digest, rollout.GetProperty("tasks")[0].GetProperty("image").GetString());

        var noId = await rm.PostAsync($"/api/v1/applications/{world.Slug}/restore", Json("""{ "reason": "bad" }"""), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, noId.StatusCode);
        Assert.Contains("releaseId", await noId.Content.ReadAsStringAsync(Ct));
        var v1Release = releases[1].GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.Forbidden, (await qa.PostAsync($"/api/v1/applications/{world.Slug}/restore", Json($$"""{ "releaseId": {{v1Release}}, "reason": "bad" }"""), Ct)).StatusCode);
        var restored = await rm.PostAsync($"/api/v1/applications/{world.Slug}/restore", Json($$"""{ "releaseId": {{v1Release}}, "reason": "v2 is slow" }"""), Ct);
        Assert.Equal(HttpStatusCode.Accepted, restored.StatusCode);
        await RolloutFailureTests.Until(async () =>
            (await BodyAsync(await rm.GetAsync($"/api/v1/applications/{world.Slug}/releases", Ct)))[0].GetProperty("outcome").GetString() == "Succeeded");

        Assert.Equal(HttpStatusCode.Conflict, (await rm.PostAsync($"/api/v1/candidates/{v2}/rollout/resume", Json("{}"), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await rm.PostAsync($"/api/v1/candidates/{v2}/rollout/rollback", Json("{}"), Ct)).StatusCode);

        var services = await BodyAsync(await qa.GetAsync("/api/v1/swarm/services", Ct));
        var mine = services.EnumerateArray().Single(s => s.GetProperty("name").GetString() == world.Slug);
        Assert.Equal(nameof(DigestStanding.Released), mine.GetProperty("standing").GetString());
        var tasks = await BodyAsync(await qa.GetAsync($"/api/v1/swarm/services/{world.Slug}/tasks", Ct));
        Assert.Contains(tasks.EnumerateArray(), t => t.GetProperty("currentState").GetString() == "running");

        var badScale = await rm.PostAsync($"/api/v1/swarm/services/{world.Slug}/scale", Json("""{ "replicas": "two" }"""), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, badScale.StatusCode);
        Assert.Contains("replicas", await badScale.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.Forbidden, (await qa.PostAsync($"/api/v1/swarm/services/{world.Slug}/scale", Json("""{ "replicas": 2 }"""), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await rm.PostAsync($"/api/v1/swarm/services/{world.Slug}/scale", Json("""{ "replicas": 2 }"""), Ct)).StatusCode);
        using var docker = world.Engine();
        var ours = (await docker.Swarm.InspectServiceAsync(world.Slug, Ct)).Spec!;
        Assert.Equal(2UL, ours.Mode!.Replicated!.Replicas);
        // The labels the portal put on the service it created, which make it the portal's to change.
        Assert.Equal("true", ours.Labels[SwarmLabels.Managed]);
        Assert.Equal(world.Slug, ours.Labels[SwarmLabels.Application]);
        await using var db = world.Portal.CreateDb();
        Assert.Contains(await db.AuditEvents.ToListAsync(Ct), a => a.Action == "swarm.scale" && a.Subject == world.Slug);
    }

    [Fact]
    public async Task Scaling_or_removing_a_service_the_portal_does_not_manage_answers_403_and_changes_nothing()
    {
        await using var world = await SwarmWorld.StartAsync(replicas: 1);
        var admin = await SignedInAsync(world, $"admin-{world.Slug}@example.com", Roles.Admin);
        var foreign = $"{world.Slug}-other";
        using var docker = world.Engine();
        await docker.Swarm.CreateServiceAsync(new Docker.DotNet.Models.ServiceCreateParameters
        {
            Service = new Docker.DotNet.Models.ServiceSpec
            {
                Name = foreign,
                TaskTemplate = new Docker.DotNet.Models.TaskSpec { ContainerSpec = new Docker.DotNet.Models.ContainerSpec { Image = $"127.0.0.1:5001/demo/web@{Infra.WebV1Digest}", StopGracePeriod = TimeSpan.FromSeconds(1) } },
                Mode = new Docker.DotNet.Models.ServiceMode { Replicated = new Docker.DotNet.Models.ReplicatedService { Replicas = 1 } },
            },
        }, Ct);
        try
        {
            var scale = await admin.PostAsync($"/api/v1/swarm/services/{foreign}/scale", Json("""{ "replicas": 3 }"""), Ct);

            Assert.Equal(HttpStatusCode.Forbidden, scale.StatusCode);
            Assert.Equal("application/problem+json", scale.Content.Headers.ContentType?.MediaType);
            Assert.Contains("not managed by ReleaseGate", await scale.Content.ReadAsStringAsync(Ct));
            Assert.Equal(1UL, (await docker.Swarm.InspectServiceAsync(foreign, Ct)).Spec!.Mode!.Replicated!.Replicas);
            var services = await BodyAsync(await admin.GetAsync("/api/v1/swarm/services", Ct));
            Assert.False(services.EnumerateArray().Single(s => s.GetProperty("name").GetString() == foreign).GetProperty("managed").GetBoolean());
        }
        finally
        {
            await docker.Swarm.RemoveServiceAsync(foreign, CancellationToken.None);
        }
    }
}
