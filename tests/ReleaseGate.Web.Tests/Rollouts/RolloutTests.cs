using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReleaseGate.Core.Applications;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Releases;

namespace ReleaseGate.Web.Tests;

/// <summary>Rollouts to the real Swarm (scripts/infra.sh's engine) from the real production registry, watched by Quartz.</summary>
public class RolloutTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task V1_to_v2_with_three_replicas_is_released_with_every_task_on_v2s_digest()
    {
        await using var world = await SwarmWorld.StartAsync(replicas: 3);
        var v1 = await world.ApprovedAsync("v1");
        Assert.Equal(CandidatePhase.Released, (await world.ReleaseAsync(v1)).Phase);

        var v2 = await world.ApprovedAsync("v2");
        var released = await world.ReleaseAsync(v2);

        Assert.True(released.Phase == CandidatePhase.Released, string.Join(" | ", released.Events.Select(e => e.Message)));
        var running = await world.RunningImagesAsync();
        Assert.Equal(3, running.Count);
        Assert.All(running, image => Assert.EndsWith("@" + Infra.WebV2Digest, image));
        await using var db = world.Portal.CreateDb();
        var release = await db.Releases.SingleAsync(r => r.CandidateId == v2, Ct);
        Assert.Equal((ReleaseKind.Rollout, ReleaseOutcome.Succeeded), (release.Kind, release.Outcome));
        var rollout = await db.Rollouts.SingleAsync(r => r.ReleaseId == release.Id, Ct);
        Assert.Equal((3, 3, "completed"), (rollout.Updated, rollout.Total, rollout.State));
        Assert.Equal($"127.0.0.1:5002/{world.Slug}:v1@{Infra.WebV1Digest}", rollout.PreviousImage);
    }

    [Fact]
    public async Task The_first_release_creates_the_service_with_its_port_in_host_mode_its_env_and_policy_and_checks_the_smoke_url()
    {
        var port = MailSink.FreePort();
        await using var world = await SwarmWorld.StartAsync(replicas: 1, configure: app =>
        {
            app.Swarm.PublishedPorts = [$"{port}:8080"];
            app.Swarm.EnvironmentVariables = new() { ["GREETING"] = "hello" };
            app.Rollout.SmokeUrl = $"http://127.0.0.1:{port}/health";
        });
        var v1 = await world.ApprovedAsync("v1");

        var released = await world.ReleaseAsync(v1);

        Assert.True(released.Phase == CandidatePhase.Released, string.Join(" | ", released.Events.Select(e => e.Message)));
        using var docker = world.Engine();
        var service = await docker.Swarm.InspectServiceAsync(world.Slug, Ct);
        Assert.Equal($"127.0.0.1:5002/{world.Slug}:v1@{Infra.WebV1Digest}", service.Spec!.TaskTemplate!.ContainerSpec!.Image);
        Assert.Equal(["GREETING=hello"], service.Spec.TaskTemplate.ContainerSpec.Env);
        var published = Assert.Single(service.Spec.EndpointSpec!.Ports!);
        Assert.Equal(("host", (uint)port, (uint)8080), (published.PublishMode, published.PublishedPort!.Value, published.TargetPort!.Value));
        Assert.Equal(("rollback", "stop-first", (ulong)1), (service.Spec.UpdateConfig!.FailureAction, service.Spec.UpdateConfig.Order, service.Spec.UpdateConfig.Parallelism));
        using var http = new HttpClient();
        Assert.Contains("demo-web v1", await http.GetStringAsync($"http://127.0.0.1:{port}/", Ct));
        await using var db = world.Portal.CreateDb();
        var rollout = await db.Rollouts.SingleAsync(r => r.CandidateId == v1, Ct);
        Assert.True(rollout.Created);
        Assert.Null(rollout.PreviousImage);
    }

    [Fact]
    public async Task A_release_manager_restores_the_release_two_back_as_a_new_restore_release()
    {
        await using var world = await SwarmWorld.StartAsync(replicas: 1);
        foreach (var tag in new[] { "v1", "v2", "v3" })
        {
            var id = await world.ApprovedAsync(tag);
            Assert.Equal(CandidatePhase.Released, (await world.ReleaseAsync(id)).Phase);
        }
        long twoBack;
        await using (var db = world.Portal.CreateDb())
            twoBack = (await db.Releases.OrderBy(r => r.Id).FirstAsync(Ct)).Id;

        var restored = await world.UseAsync(sp => sp.GetRequiredService<RestoreRelease>().RunAsync(world.Slug, twoBack, "v3 breaks checkout", world.Rm, ct: Ct));
        Assert.False(restored.IsRefused, restored.Refusal?.Message);

        await RolloutFailureTests.Until(async () =>
        {
            await using var db = world.Portal.CreateDb();
            return (await db.Releases.SingleAsync(r => r.Id == restored.Value!.Id, Ct)).Outcome != ReleaseOutcome.Running;
        }, 90);
        await using var read = world.Portal.CreateDb();
        var restore = await read.Releases.SingleAsync(r => r.Id == restored.Value!.Id, Ct);
        Assert.Equal((ReleaseKind.Restore, ReleaseOutcome.Succeeded, "v1", "v3 breaks checkout"), (restore.Kind, restore.Outcome, restore.Version, restore.Reason));
        Assert.All(await world.RunningImagesAsync(), image => Assert.EndsWith("@" + Infra.WebV1Digest, image));
        var history = await world.UseAsync(sp => sp.GetRequiredService<ListReleases>().RunAsync(world.Slug, Ct));
        Assert.Equal(["v1", "v3", "v2", "v1"], history!.Select(r => r.Version));
    }
}
