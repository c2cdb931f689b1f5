using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Releases;
using ReleaseGate.Core.Tests.Schedule;
using static ReleaseGate.Core.Tests.Schedule.ScheduleWorld;

namespace ReleaseGate.Core.Tests.Releases;

/// <summary>A restore as open pages see it: a restore moves no candidate, yet its start and each look are published.</summary>
public class RestoreReleaseTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_restore_publishes_its_start_and_every_look_under_the_candidate_it_brings_back()
    {
        await using var world = await CreateAsync();
        var c = await world.AddCandidateAsync(world.Orders, CandidatePhase.Released, "1.4.1");
        long earlier;
        await using (var db = world.Dbs.CreateDbContext())
        {
            var release = new Release
            {
                ApplicationId = world.Orders.Id, Digest = c.Digest, Version = "1.4.1", CandidateId = c.Id, StartedAt = Now.AddDays(-1),
                FinishedAt = Now.AddDays(-1).AddSeconds(30), Outcome = ReleaseOutcome.Succeeded,
            };
            db.Releases.Add(release);
            await db.SaveChangesAsync(Ct);
            earlier = release.Id;
        }
        var (swarm, watch) = (new FakeSwarm(), new RecordedWatch());

        var restored = await new RestoreRelease(world.Dbs, swarm, watch, world.Changes, world.Time).RunAsync("orders-api", earlier, "1.4.2 breaks checkout", Manager, Ct);

        Assert.False(restored.IsRefused, restored.Refusal?.Message);
        Assert.Equal([c.Id], world.Changes.Published);
        var image = $"127.0.0.1:5002/orders-api:1.4.1@{c.Digest}";
        swarm.Then(new SwarmObservation(true, image, 1, "updating", "update in progress", Now.AddSeconds(2),
            [new SwarmTask("t1", 1, "node-1", image, "running", "starting", "starting", null, Now)]));
        Assert.NotNull(await new WatchRollout(world.Dbs, swarm, new FakeSmoke(), world.Changes, world.Time, world.Links).RunAsync(restored.Value!.Id, Ct));

        Assert.Equal([c.Id, c.Id], world.Changes.Published);
        Assert.Equal(CandidatePhase.Released, (await world.ReloadAsync(c.Id)).Phase); // the candidate it brings back stays as it was
        await using var read = world.Dbs.CreateDbContext();
        Assert.Equal("updating", (await read.Rollouts.SingleAsync(r => r.ReleaseId == restored.Value.Id, Ct)).State);
    }
}
