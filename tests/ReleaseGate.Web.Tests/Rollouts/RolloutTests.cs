using Microsoft.EntityFrameworkCore;
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
}
