using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Releases;
using ReleaseGate.Core.Schedule;
using ReleaseGate.Core.Tests.Schedule;
using static ReleaseGate.Core.Tests.Schedule.ScheduleWorld;

namespace ReleaseGate.Core.Tests.Releases;

/// <summary>
/// A restore is a release like a cutoff's: a freeze holds it unless a release manager overrides it with a reason. Open pages
/// see it: a restore moves no candidate, yet its start and each look are published.
/// </summary>
public class RestoreReleaseTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(ScheduleWorld World, FakeSwarm Swarm, long ReleaseId)> FrozenWithAnEarlierReleaseAsync()
    {
        var world = await CreateAsync();
        var c = await world.AddCandidateAsync(world.Orders, CandidatePhase.AwaitingSignOff, "1.4.1");
        long id;
        await using (var db = world.Dbs.CreateDbContext())
        {
            var earlier = new Release { ApplicationId = world.Orders.Id, Digest = c.Digest, Version = "1.4.1", CandidateId = c.Id,
                StartedAt = Now.AddDays(-3), FinishedAt = Now.AddDays(-3), Outcome = ReleaseOutcome.Succeeded };
            db.Releases.Add(earlier);
            await db.SaveChangesAsync(Ct);
            id = earlier.Id;
        }
        await world.AddFreezeAsync(new Freeze { Reason = "year-end close", StartsAt = Now.AddHours(-1), EndsAt = Now.AddDays(2), ApplicationSlugs = ["orders-api"] });
        return (world, new FakeSwarm(), id);
    }

    private static RestoreRelease Restore(ScheduleWorld world, FakeSwarm swarm) => new(world.Dbs, swarm, new RecordedWatch(), world.Changes, world.Calendar, world.Time);

    [Fact]
    public async Task A_restore_during_a_freeze_is_refused_and_changes_nothing()
    {
        var (world, swarm, id) = await FrozenWithAnEarlierReleaseAsync();
        await using var _ = world;
        var counts = await world.CountsAsync();

        var refusal = (await Restore(world, swarm).RunAsync("orders-api", id, "bad release", Manager, ct: Ct)).Refusal;

        Assert.Equal(RefusalCode.Frozen, refusal?.Code);
        Assert.Equal("overrideFreeze", refusal?.Field);
        Assert.Contains("frozen by", refusal?.Message);
        Assert.Empty(swarm.Calls);
        Assert.Equal(counts, await world.CountsAsync());
        await using var db = world.Dbs.CreateDbContext();
        Assert.Equal(1, await db.Releases.CountAsync(Ct));
    }

    [Fact]
    public async Task A_restore_that_overrides_the_freeze_goes_ahead_and_records_why()
    {
        var (world, swarm, id) = await FrozenWithAnEarlierReleaseAsync();
        await using var _ = world;

        var restore = (await Restore(world, swarm).RunAsync("orders-api", id, "1.4.2 corrupts orders", Manager, overrideFreeze: true, ct: Ct)).Value!;

        Assert.Equal(ReleaseKind.Restore, restore.Kind);
        Assert.Contains("1.4.2 corrupts orders", restore.Reason);
        Assert.Contains("year-end close", restore.Reason);
        Assert.Single(swarm.Calls, c => c.StartsWith("start ", StringComparison.Ordinal));
        await using var db = world.Dbs.CreateDbContext();
        Assert.Contains(await db.AuditEvents.Where(e => e.Action == "release.restore").ToListAsync(Ct), e => e.Details.Contains("was overridden"));
    }

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

        var restored = await new RestoreRelease(world.Dbs, swarm, watch, world.Changes, world.Calendar, world.Time).RunAsync("orders-api", earlier, "1.4.2 breaks checkout", Manager, ct: Ct);

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
