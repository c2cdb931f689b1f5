using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Promotions;
using ReleaseGate.Core.Releases;
using ReleaseGate.Core.Tests.Schedule;
using static ReleaseGate.Core.Tests.Schedule.ScheduleWorld;

namespace ReleaseGate.Core.Tests.Promotions;

public class PromoteCandidateTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static PromoteCandidate Promote(ScheduleWorld world, FakeImagePromotion registry, IRollout? rollout = null) =>
        new(world.Dbs, registry, rollout ?? new FakeRollout(), world.Queue, world.Changes, world.Time, world.Links);

    private static async Task<Candidate> PromotingAsync(ScheduleWorld world, bool registryOnly)
    {
        if (registryOnly)
        {
            await using var db = world.Dbs.CreateDbContext();
            await db.Applications.Where(a => a.Id == world.Orders.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.SwarmService, ""), Ct);
        }
        return await world.AddCandidateAsync(world.Orders, CandidatePhase.Promoting, "1.4.2");
    }

    [Fact]
    public async Task A_registry_only_application_is_released_once_production_serves_the_signed_digest()
    {
        await using var world = await CreateAsync();
        var c = await PromotingAsync(world, registryOnly: true);
        var registry = new FakeImagePromotion();

        var outcome = await Promote(world, registry).RunAsync(c.Id, Ct);

        Assert.Equal(CandidatePhase.Released, outcome.Value);
        Assert.Equal(("127.0.0.1:5001/orders-api", c.Digest, "127.0.0.1:5002/orders-api", "1.4.2"), Assert.Single(registry.Copies));
        var after = await world.ReloadAsync(c.Id);
        Assert.Equal(CandidatePhase.Released, after.Phase);
        Assert.Contains(after.Events, e => e.Kind == "RollingOut" && e.Message.Contains("registry-only"));
        await using var db = world.Dbs.CreateDbContext();
        var release = await db.Releases.SingleAsync(Ct);
        Assert.Equal((c.Id, c.Digest, "1.4.2", ReleaseOutcome.Succeeded, ReleaseKind.Rollout), (release.CandidateId!.Value, release.Digest, release.Version, release.Outcome, release.Kind));
        Assert.NotNull(release.FinishedAt);
        var promotion = await db.Promotions.SingleAsync(Ct);
        Assert.Equal((c.Digest, 300L, 300L, 3, 3, 1), (promotion.ProductionDigest, promotion.BytesCopied, promotion.BytesTotal, promotion.BlobsCopied, promotion.BlobsTotal, promotion.Attempts));
        var mail = Assert.Single(await world.MailsAsync("candidate-released"));
        Assert.Equal(["dev@example.com", "rm@example.com", "team@example.com"], mail.To.Order());
    }

    [Fact]
    public async Task The_copys_progress_is_stored_where_pages_read_it_while_it_runs()
    {
        await using var world = await CreateAsync();
        var c = await PromotingAsync(world, registryOnly: true);
        Promotion? seen = null;
        var registry = new FakeImagePromotion
        {
            DuringCopy = () =>
            {
                using var db = world.Dbs.CreateDbContext();
                seen = db.Promotions.AsNoTracking().Single();
            },
        };

        await Promote(world, registry).RunAsync(c.Id, Ct);

        Assert.NotNull(seen);
        Assert.Equal((200L, 300L, 2, 3), (seen.BytesCopied, seen.BytesTotal, seen.BlobsCopied, seen.BlobsTotal));
    }

    [Fact]
    public async Task A_swarm_application_whose_rollout_cannot_start_ends_errored_with_that_reason()
    {
        await using var world = await CreateAsync();
        var c = await PromotingAsync(world, registryOnly: false);
        var rollout = new FakeRollout { Answer = RolloutStart.NotStarted("Swarm refused the update") };

        var outcome = await Promote(world, new FakeImagePromotion(), rollout).RunAsync(c.Id, Ct);

        Assert.Equal(CandidatePhase.Errored, outcome.Value);
        var request = Assert.Single(rollout.Requests);
        Assert.Equal(("orders-api", $"127.0.0.1:5002/orders-api:1.4.2@{c.Digest}"), (request.Service, request.Image));
        var after = await world.ReloadAsync(c.Id);
        Assert.Equal(CandidatePhase.Errored, after.Phase);
        Assert.Contains("Swarm refused the update", after.Events[^1].Message);
        Assert.Contains(after.Events, e => e.Kind == "RollingOut");
        await using var db = world.Dbs.CreateDbContext();
        Assert.Equal(ReleaseOutcome.Failed, (await db.Releases.SingleAsync(Ct)).Outcome);
        var promotion = (await new GetPromotion(world.Dbs).RunAsync(c.Id, Ct)).Value!;
        Assert.Equal((c.Digest, 3, (string?)null), (promotion.ProductionDigest, promotion.BlobsCopied, promotion.Error));
        Assert.Contains("Swarm refused the update", Assert.Single(await world.MailsAsync("candidate-errored")).TextBody);
        Assert.Empty(await world.MailsAsync("candidate-released"));
    }

    [Fact]
    public async Task A_swarm_application_whose_rollout_starts_is_rolling_out()
    {
        await using var world = await CreateAsync();
        var c = await PromotingAsync(world, registryOnly: false);

        var outcome = await Promote(world, new FakeImagePromotion(), new FakeRollout { Answer = RolloutStart.Began() }).RunAsync(c.Id, Ct);

        Assert.Equal(CandidatePhase.RollingOut, outcome.Value);
        await using var db = world.Dbs.CreateDbContext();
        Assert.Equal(ReleaseOutcome.Running, (await db.Releases.SingleAsync(Ct)).Outcome);
    }

    [Fact]
    public async Task A_copy_that_fails_after_the_adapters_retries_ends_errored_with_the_registrys_message()
    {
        await using var world = await CreateAsync();
        var c = await PromotingAsync(world, registryOnly: true);
        var registry = new FakeImagePromotion { Failure = new ImagePromotionException("PUT blob: 507 Insufficient Storage: disk full") };

        var outcome = await Promote(world, registry).RunAsync(c.Id, Ct);

        Assert.Equal(CandidatePhase.Errored, outcome.Value);
        var after = await world.ReloadAsync(c.Id);
        Assert.Contains("507 Insufficient Storage: disk full", after.Events[^1].Message);
        await using var db = world.Dbs.CreateDbContext();
        Assert.Equal("PUT blob: 507 Insufficient Storage: disk full", (await db.Promotions.SingleAsync(Ct)).Error);
        Assert.Empty(await db.Releases.ToListAsync(Ct));
        Assert.Single(await world.MailsAsync("candidate-errored"));
    }

    [Fact]
    public async Task A_registry_that_cannot_be_reached_is_waited_for_in_Promoting_then_errored_after_the_last_attempt()
    {
        await using var world = await CreateAsync();
        var c = await PromotingAsync(world, registryOnly: true);
        var down = new FakeImagePromotion { Failure = new ImagePromotionException("Could not reach the registry 127.0.0.1:5002 (HEAD /v2/): Connection refused", unreachable: true) };

        Assert.Equal(CandidatePhase.Promoting, (await Promote(world, down).RunAsync(c.Id, Ct)).Value);
        Assert.Equal(CandidatePhase.Promoting, (await Promote(world, down).RunAsync(c.Id, Ct)).Value);

        var waiting = await world.ReloadAsync(c.Id);
        Assert.Equal("Waiting for the registry: Could not reach the registry 127.0.0.1:5002 (HEAD /v2/): Connection refused. Attempt 3 of 18 in 10 s.", waiting.Progress);
        Assert.Equal([(c.Id, TimeSpan.FromSeconds(5)), (c.Id, TimeSpan.FromSeconds(10))], world.Queue.Retries);
        Assert.Empty(await world.MailsAsync("candidate-errored"));
        Assert.Equal(TimeSpan.FromMinutes(1), PromoteCandidate.RetryAfter(9));

        await using (var db = world.Dbs.CreateDbContext())
            await db.Promotions.Where(p => p.CandidateId == c.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.Attempts, PromoteCandidate.UnreachableAttempts - 1), Ct);
        Assert.Equal(CandidatePhase.Errored, (await Promote(world, down).RunAsync(c.Id, Ct)).Value);
        Assert.Equal(2, world.Queue.Retries.Count);
        Assert.Single(await world.MailsAsync("candidate-errored"));
    }

    [Fact]
    public async Task A_registry_back_before_the_next_attempt_releases_as_if_nothing_happened()
    {
        await using var world = await CreateAsync();
        var c = await PromotingAsync(world, registryOnly: true);
        await Promote(world, new FakeImagePromotion { Failure = new ImagePromotionException("Could not reach the registry", unreachable: true) }).RunAsync(c.Id, Ct);

        Assert.Equal(CandidatePhase.Released, (await Promote(world, new FakeImagePromotion()).RunAsync(c.Id, Ct)).Value);
        await using var db = world.Dbs.CreateDbContext();
        var promotion = await db.Promotions.SingleAsync(Ct);
        Assert.Equal((2, (string?)null, c.Digest), (promotion.Attempts, promotion.Error, promotion.ProductionDigest));
        Assert.Null((await world.ReloadAsync(c.Id)).Progress);
    }

    [Fact]
    public async Task A_promotion_cut_short_after_RollingOut_was_saved_starts_its_rollout_when_run_again_without_copying()
    {
        await using var world = await CreateAsync();
        var c = await PromotingAsync(world, registryOnly: false);
        var rollout = new FakeRollout { Answer = RolloutStart.Began() };
        await Promote(world, new FakeImagePromotion(), new CrashingRollout()).RunAsync(c.Id, Ct).ContinueWith(_ => { }, Ct);
        Assert.Equal(CandidatePhase.RollingOut, (await world.ReloadAsync(c.Id)).Phase);
        await using (var db = world.Dbs.CreateDbContext())
            Assert.True(await PromoteCandidate.UnstartedReleaseAsync(db, c.Id, Ct));

        var registry = new FakeImagePromotion();
        var outcome = await Promote(world, registry, rollout).RunAsync(c.Id, Ct);

        Assert.Equal(CandidatePhase.RollingOut, outcome.Value);
        Assert.Empty(registry.Copies);
        Assert.Equal(c.Id, Assert.Single(rollout.Requests).CandidateId);
        await using var read = world.Dbs.CreateDbContext();
        Assert.Single(await read.Releases.ToListAsync(Ct));
        // A rollout started and recorded is not started again.
        read.Rollouts.Add(new Rollout { ReleaseId = (await read.Releases.SingleAsync(Ct)).Id, CandidateId = c.Id, Service = "orders-api", Image = "i", Digest = c.Digest });
        await read.SaveChangesAsync(Ct);
        Assert.Equal(RefusalCode.WrongPhase, (await Promote(world, registry, rollout).RunAsync(c.Id, Ct)).Refusal!.Code);
        Assert.Single(rollout.Requests);
    }

    /// <summary>The portal dies while Swarm is asked: nothing after the call happens.</summary>
    private sealed class CrashingRollout : IRollout
    {
        public Task<RolloutStart> StartAsync(RolloutRequest request, CancellationToken ct) => throw new OperationCanceledException("killed");
    }

    [Fact]
    public async Task Production_serving_another_digest_than_the_signed_one_is_errored_not_released()
    {
        await using var world = await CreateAsync();
        var c = await PromotingAsync(world, registryOnly: true);

        var outcome = await Promote(world, new FakeImagePromotion { Serves = "sha256:" + new string('b', 64) }).RunAsync(c.Id, Ct);

        Assert.Equal(CandidatePhase.Errored, outcome.Value);
        Assert.Contains("not the signed-off", (await world.ReloadAsync(c.Id)).Events[^1].Message);
    }

    [Theory]
    [InlineData(CandidatePhase.Approved)]
    [InlineData(CandidatePhase.Errored)]
    public async Task Only_a_promoting_candidate_is_copied(CandidatePhase phase)
    {
        await using var world = await CreateAsync();
        var c = await world.AddCandidateAsync(world.Orders, phase, "1.4.2");
        var registry = new FakeImagePromotion();

        var outcome = await Promote(world, registry).RunAsync(c.Id, Ct);

        Assert.Equal(RefusalCode.WrongPhase, outcome.Refusal!.Code);
        Assert.Empty(registry.Copies);
        Assert.Equal(RefusalCode.NotFound, (await new GetPromotion(world.Dbs).RunAsync(c.Id, Ct)).Refusal!.Code);
    }

    [Fact]
    public async Task A_release_manager_retries_an_errored_promotion_and_it_is_queued_again()
    {
        await using var world = await CreateAsync();
        var c = await PromotingAsync(world, registryOnly: true);
        await Promote(world, new FakeImagePromotion { Failure = new ImagePromotionException("registry down") }).RunAsync(c.Id, Ct);
        var retry = new RetryPromotion(world.Dbs, world.Queue, world.Changes, world.Time);

        Assert.Equal(RefusalCode.MissingRole, (await retry.RunAsync(c.Id, Qa1, Ct)).Refusal!.Code);
        Assert.False((await retry.RunAsync(c.Id, Manager, Ct)).IsRefused);
        Assert.Equal(CandidatePhase.Promoting, (await world.ReloadAsync(c.Id)).Phase);
        Assert.Equal([c.Id], world.Queue.Enqueued);
        Assert.Equal(RefusalCode.WrongPhase, (await retry.RunAsync(c.Id, Manager, Ct)).Refusal!.Code);

        var outcome = await Promote(world, new FakeImagePromotion()).RunAsync(c.Id, Ct);
        Assert.Equal(CandidatePhase.Released, outcome.Value);
        await using var db = world.Dbs.CreateDbContext();
        var promotion = await db.Promotions.SingleAsync(Ct);
        Assert.Equal((2, (string?)null), (promotion.Attempts, promotion.Error));
    }
}

internal sealed class FakeImagePromotion : IImagePromotion
{
    public List<(string, string, string, string)> Copies { get; } = [];
    public Exception? Failure { get; init; }
    public string? Serves { get; init; }
    public Action? DuringCopy { get; init; }

    public Task<string> CopyAsync(string sourceRepository, string digest, string targetRepository, string tag, IProgress<CopyProgress> progress, CancellationToken ct)
    {
        Copies.Add((sourceRepository, digest, targetRepository, tag));
        progress.Report(new CopyProgress(0, 300, 0, 3));
        progress.Report(new CopyProgress(100, 300, 1, 3));
        progress.Report(new CopyProgress(200, 300, 2, 3));
        DuringCopy?.Invoke();
        if (Failure is not null) throw Failure;
        progress.Report(new CopyProgress(300, 300, 3, 3));
        return Task.FromResult(Serves ?? digest);
    }
}

internal sealed class FakeRollout : IRollout
{
    public RolloutStart Answer { get; init; } = RolloutStart.NotStarted("Swarm refused the update");
    public List<RolloutRequest> Requests { get; } = [];

    public Task<RolloutStart> StartAsync(RolloutRequest request, CancellationToken ct)
    {
        Requests.Add(request);
        return Task.FromResult(Answer);
    }
}
