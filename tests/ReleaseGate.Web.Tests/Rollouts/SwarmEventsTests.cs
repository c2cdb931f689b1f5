using Docker.DotNet.Models;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Releases;

namespace ReleaseGate.Web.Tests;

/// <summary>The manager's event stream makes the portal look at a rollout when Swarm reports a change of its update state.</summary>
public class SwarmEventsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_update_state_reported_by_swarm_brings_a_look_with_no_look_scheduled_and_the_release_is_recorded_when_swarm_completes()
    {
        await using var world = await SwarmWorld.StartAsync(replicas: 1);
        using var docker = world.Engine();
        var v1 = $"{world.Repository}:v1@{Infra.WebV1Digest}";
        var v2 = $"{world.Repository}:v2@{Infra.WebV2Digest}";
        await docker.Swarm.CreateServiceAsync(new ServiceCreateParameters { Service = new ServiceSpec
        {
            Name = world.Slug, Mode = new ServiceMode { Replicated = new ReplicatedService { Replicas = 1 } },
            TaskTemplate = new TaskSpec { ContainerSpec = new ContainerSpec { Image = v1, StopGracePeriod = TimeSpan.FromSeconds(1) } },
            UpdateConfig = new SwarmUpdateConfig { Parallelism = 1, Monitor = TimeSpan.FromSeconds(1) },
        } }, Ct);

        // A rollout the portal knows of, with no look pending in Quartz: only Swarm's events can bring one.
        long releaseId;
        await using (var db = world.Portal.CreateDb())
        {
            var app = await db.Applications.SingleAsync(a => a.Slug == world.Slug, Ct);
            var release = new Release { ApplicationId = app.Id, Digest = Infra.WebV2Digest, Version = "v2", Kind = ReleaseKind.Restore, StartedAt = DateTimeOffset.UtcNow, StartedBy = world.Rm };
            db.Releases.Add(release);
            await db.SaveChangesAsync(Ct);
            releaseId = release.Id;
            db.Rollouts.Add(new Rollout
            {
                ReleaseId = releaseId, Service = world.Slug, Image = v2, Digest = Infra.WebV2Digest, PreviousImage = v1,
                StartedAt = DateTimeOffset.UtcNow, Deadline = DateTimeOffset.UtcNow.AddMinutes(2),
            });
            await db.SaveChangesAsync(Ct);
        }
        await Task.Delay(1500, Ct);
        await using (var db = world.Portal.CreateDb())
            Assert.Null((await db.Rollouts.SingleAsync(r => r.ReleaseId == releaseId, Ct)).ObservedAt);

        var current = await docker.Swarm.InspectServiceAsync(world.Slug, Ct);
        current.Spec!.TaskTemplate!.ContainerSpec!.Image = v2;
        await docker.Swarm.UpdateServiceAsync(current.ID!, new ServiceUpdateParameters { Service = current.Spec, Version = (long)(current.Version?.Index ?? 0) }, Ct);

        await RolloutFailureTests.Until(async () =>
        {
            await using var db = world.Portal.CreateDb();
            return (await db.Releases.SingleAsync(r => r.Id == releaseId, Ct)).Outcome != ReleaseOutcome.Running;
        }, 60);
        // The watch keeps following Swarm until it records the completion itself.
        await RolloutFailureTests.Until(async () =>
        {
            await using var db = world.Portal.CreateDb();
            return (await db.Rollouts.SingleAsync(r => r.ReleaseId == releaseId, Ct)).SwarmCompletedAt is not null;
        }, 30);
        await using var read = world.Portal.CreateDb();
        var done = await read.Releases.SingleAsync(r => r.Id == releaseId, Ct);
        var rollout = await read.Rollouts.SingleAsync(r => r.ReleaseId == releaseId, Ct);
        Assert.Equal(ReleaseOutcome.Succeeded, done.Outcome);
        // Released about when Swarm completed (the monitor period's end or Swarm's own report, whichever came first).
        Assert.InRange((done.FinishedAt!.Value - rollout.SwarmCompletedAt!.Value).TotalMilliseconds, -2000, 2000);
    }
}
