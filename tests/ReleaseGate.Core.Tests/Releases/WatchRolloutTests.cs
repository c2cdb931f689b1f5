using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Promotions;
using ReleaseGate.Core.Releases;
using ReleaseGate.Core.Tests.Schedule;
using static ReleaseGate.Core.Tests.Schedule.ScheduleWorld;

namespace ReleaseGate.Core.Tests.Releases;

/// <summary>What a rollout comes to, decided from what Swarm shows (a scripted Swarm; real SQLite).</summary>
public class WatchRolloutTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly DateTimeOffset Ours = Now.AddSeconds(2);
    private const int SmokeSeconds = 30;

    private sealed record Setup(ScheduleWorld World, FakeSwarm Swarm, FakeSmoke Smoke, RecordedWatch Watch, Candidate Candidate, long ReleaseId) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => World.DisposeAsync();
        public WatchRollout Watcher() => new(World.Dbs, Swarm, Smoke, World.Changes, World.Time, World.Links, new SmokeCheck(SmokeSeconds));
        public string Image => $"127.0.0.1:5002/orders-api:1.4.2@{Candidate.Digest}";
        public SwarmTask Task(int slot, string state, bool onNew = true, string? error = null) =>
            new($"t{slot}{state}", slot, "node-1", onNew ? Image : "127.0.0.1:5002/orders-api:1.4.1@sha256:old", "running", state, state, error, Now);
        public SwarmObservation Seen(string? state, DateTimeOffset? startedAt, params SwarmTask[] tasks) =>
            new(true, Image, 2, state, state is null ? null : $"update {state}", startedAt, tasks);
    }

    private static async Task<Setup> RollingOutAsync(string smokeUrl = "", bool firstRelease = false)
    {
        var world = await CreateAsync();
        await using (var db = world.Dbs.CreateDbContext())
            await db.Applications.Where(a => a.Id == world.Orders.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.Rollout.SmokeUrl, smokeUrl), Ct);
        var c = await world.AddCandidateAsync(world.Orders, CandidatePhase.RollingOut, "1.4.2");
        long releaseId;
        await using (var db = world.Dbs.CreateDbContext())
        {
            var release = new Release { ApplicationId = world.Orders.Id, Digest = c.Digest, Version = "1.4.2", CandidateId = c.Id, StartedAt = Now };
            db.Releases.Add(release);
            await db.SaveChangesAsync(Ct);
            releaseId = release.Id;
        }
        var (swarm, watch) = (new FakeSwarm(), new RecordedWatch());
        if (firstRelease) swarm.Start = new SwarmStart(true, null, null, 1);
        var started = await new StartRollout(world.Dbs, swarm, watch, world.Time)
            .StartAsync(new RolloutRequest(c.Id, "orders-api", $"127.0.0.1:5002/orders-api:1.4.2@{c.Digest}", new()), Ct);
        Assert.True(started.Started);
        return new Setup(world, swarm, new FakeSmoke(), watch, c, releaseId);
    }

    private static async Task<(CandidatePhase Phase, ReleaseOutcome Outcome, string Said)> StateAsync(Setup s)
    {
        var c = await s.World.ReloadAsync(s.Candidate.Id);
        await using var db = s.World.Dbs.CreateDbContext();
        return (c.Phase, (await db.Releases.SingleAsync(r => r.Id == s.ReleaseId, Ct)).Outcome, c.Events.OrderBy(e => e.Id).Last().Message);
    }

    [Fact]
    public async Task Completed_with_every_running_task_on_the_digest_is_released_with_a_succeeded_release()
    {
        await using var s = await RollingOutAsync();
        s.Swarm.Then(s.Seen("updating", Ours, s.Task(1, "running"), s.Task(2, "running", onNew: false)));
        s.Swarm.Then(s.Seen("completed", Ours, s.Task(1, "running"), s.Task(2, "running")) with { UpdateCompletedAt = Ours.AddSeconds(7) });

        Assert.Equal(WatchRollout.LookEvery, await s.Watcher().RunAsync(s.ReleaseId, Ct));
        Assert.Equal(CandidatePhase.RollingOut, (await StateAsync(s)).Phase);
        Assert.Null(await s.Watcher().RunAsync(s.ReleaseId, Ct));

        var (phase, outcome, _) = await StateAsync(s);
        Assert.Equal((CandidatePhase.Released, ReleaseOutcome.Succeeded), (phase, outcome));
        Assert.Single(await s.World.MailsAsync("release-released"));
        // Swarm's own completion time is kept: how soon the portal noticed is measured from it (bench/Rollout).
        await using var db = s.World.Dbs.CreateDbContext();
        Assert.Equal(Ours.AddSeconds(7), (await db.Rollouts.SingleAsync(r => r.ReleaseId == s.ReleaseId, Ct)).SwarmCompletedAt);
    }

    [Fact]
    public async Task Every_task_outliving_the_monitor_period_is_released_before_swarm_waits_out_its_last_delay_as_the_docker_cli_reports_convergence()
    {
        await using var s = await RollingOutAsync();
        // The orders application monitors each task for 15 s (its policy). Both tasks run the digest, the younger for 10 s.
        SwarmTask Since(int slot, double secondsAgo) => s.Task(slot, "running") with { At = s.World.Time.GetUtcNow().AddSeconds(-secondsAgo) };
        s.Swarm.Then(s.Seen("updating", Ours, Since(1, 20), Since(2, 10)));

        // Still inside the younger task's monitor period: watching, and the next look is when that period ends, not later.
        var next = await s.Watcher().RunAsync(s.ReleaseId, Ct);
        Assert.Equal(WatchRollout.LookEvery, next); // 5 s to go: the usual look
        s.World.Time.Advance(TimeSpan.FromSeconds(4.5));
        next = await s.Watcher().RunAsync(s.ReleaseId, Ct);
        Assert.Equal(TimeSpan.FromMilliseconds(500) + RolloutDecision.StableMargin + TimeSpan.FromMilliseconds(20), next);
        Assert.Equal(CandidatePhase.RollingOut, (await StateAsync(s)).Phase);

        // Past it (and the margin), Swarm can no longer count a failure against the update: released, though it still says updating.
        s.World.Time.Advance(next!.Value);
        Assert.Equal(WatchRollout.LookEvery, await s.Watcher().RunAsync(s.ReleaseId, Ct));
        var (phase, outcome, _) = await StateAsync(s);
        Assert.Equal((CandidatePhase.Released, ReleaseOutcome.Succeeded), (phase, outcome));
        await using var db = s.World.Dbs.CreateDbContext();
        Assert.Contains("monitor period", (await db.Rollouts.SingleAsync(r => r.ReleaseId == s.ReleaseId, Ct)).Message);
        // The watch follows Swarm until it flips to completed, keeps that time, and says nothing twice.
        s.Swarm.Then(s.Seen("completed", Ours, Since(1, 22), Since(2, 12)) with { UpdateCompletedAt = s.World.Time.GetUtcNow() });
        Assert.Null(await s.Watcher().RunAsync(s.ReleaseId, Ct));
        await using var after = s.World.Dbs.CreateDbContext();
        Assert.Equal(s.World.Time.GetUtcNow(), (await after.Rollouts.SingleAsync(r => r.ReleaseId == s.ReleaseId, Ct)).SwarmCompletedAt);
        Assert.Single(await s.World.MailsAsync("release-released"));
    }

    [Fact]
    public async Task A_task_that_restarted_inside_the_monitor_period_keeps_the_rollout_watched()
    {
        await using var s = await RollingOutAsync();
        SwarmTask Since(int slot, double secondsAgo) => s.Task(slot, "running") with { At = s.World.Time.GetUtcNow().AddSeconds(-secondsAgo) };
        // Slot 2's first task of the digest failed; its replacement has run 3 s: Swarm may still roll back.
        s.Swarm.Then(s.Seen("updating", Ours, Since(1, 60), Since(2, 3), s.Task(2, "failed", error: "task: non-zero exit (1)")));

        Assert.Equal(WatchRollout.LookEvery, await s.Watcher().RunAsync(s.ReleaseId, Ct));
        Assert.Equal(CandidatePhase.RollingOut, (await StateAsync(s)).Phase);
    }

    [Fact]
    public async Task Rollback_completed_is_a_failure_reported_with_swarms_message_and_the_failing_tasks_error()
    {
        await using var s = await RollingOutAsync();
        s.Swarm.Then(s.Seen("rollback_completed", Ours, s.Task(1, "failed", error: "task: non-zero exit (1)"), s.Task(2, "running", onNew: false)));

        Assert.Null(await s.Watcher().RunAsync(s.ReleaseId, Ct));

        var (phase, outcome, said) = await StateAsync(s);
        Assert.Equal((CandidatePhase.RolledBack, ReleaseOutcome.RolledBack), (phase, outcome));
        Assert.Contains("update rollback_completed", said);
        Assert.Contains("task: non-zero exit (1)", said);
        Assert.Single(await s.World.MailsAsync("release-rolled-back"));
    }

    [Fact]
    public async Task A_rollback_left_from_an_earlier_update_does_not_count()
    {
        await using var s = await RollingOutAsync();
        s.Swarm.Then(s.Seen("rollback_completed", FakeSwarm.Earlier, s.Task(1, "running", onNew: false), s.Task(2, "running", onNew: false)));

        Assert.Equal(WatchRollout.LookEvery, await s.Watcher().RunAsync(s.ReleaseId, Ct));

        Assert.Equal((CandidatePhase.RollingOut, ReleaseOutcome.Running), ((await StateAsync(s)).Phase, (await StateAsync(s)).Outcome));
    }

    [Fact]
    public async Task Paused_waits_for_a_release_manager_who_may_resume_but_a_qa_may_not()
    {
        await using var s = await RollingOutAsync();
        s.Swarm.Then(s.Seen("paused", Ours, s.Task(1, "failed", error: "task: non-zero exit (1)")));
        Assert.Equal(WatchRollout.LookWhilePaused, await s.Watcher().RunAsync(s.ReleaseId, Ct));
        Assert.Equal(CandidatePhase.RolloutPaused, (await StateAsync(s)).Phase);
        Assert.Single(await s.World.MailsAsync("release-paused"));

        // While it waits for a person the panel keeps following Swarm, slowly, and says nothing twice.
        s.Swarm.Then(s.Seen("paused", Ours, s.Task(1, "failed", error: "task: non-zero exit (1)"), s.Task(2, "running")));
        Assert.Equal(WatchRollout.LookWhilePaused, await s.Watcher().RunAsync(s.ReleaseId, Ct));
        await using (var db = s.World.Dbs.CreateDbContext())
            Assert.Equal(2, (await db.Rollouts.SingleAsync(r => r.ReleaseId == s.ReleaseId, Ct)).Tasks.Count);
        // An engine away for a while does not turn a paused rollout into an error: a person decides.
        for (var i = 0; i < WatchRollout.UnreachableLimit + 1; i++)
        {
            s.Swarm.ThenUnreachable();
            Assert.Equal(WatchRollout.LookWhilePaused, await s.Watcher().RunAsync(s.ReleaseId, Ct));
        }
        Assert.Equal((CandidatePhase.RolloutPaused, ReleaseOutcome.Running), ((await StateAsync(s)).Phase, (await StateAsync(s)).Outcome));
        Assert.Single(await s.World.MailsAsync("release-paused"));
        var resume = new ResumeRollout(s.World.Dbs, s.Swarm, s.Watch, s.World.Changes, s.World.Time);

        Assert.Equal(RefusalCode.MissingRole, (await resume.RunAsync(s.Candidate.Id, Qa1, Ct)).Refusal?.Code);
        Assert.False((await resume.RunAsync(s.Candidate.Id, Manager, Ct)).IsRefused);

        Assert.Equal(CandidatePhase.RollingOut, (await StateAsync(s)).Phase);
        Assert.Contains($"resume {s.Image}", s.Swarm.Calls);
        Assert.Equal(2, s.Watch.Looks.Count);
    }

    [Fact]
    public async Task Rolling_back_a_paused_rollout_goes_to_the_previous_image_and_is_a_failure()
    {
        await using var s = await RollingOutAsync();
        s.Swarm.Then(s.Seen("paused", Ours));
        await s.Watcher().RunAsync(s.ReleaseId, Ct);

        var outcome = await new RollBackRollout(s.World.Dbs, s.Swarm, s.Watch, s.World.Changes, s.World.Time, s.World.Links).RunAsync(s.Candidate.Id, Manager, Ct);

        Assert.False(outcome.IsRefused, outcome.Refusal?.Message);
        Assert.Contains("rollback 127.0.0.1:5002/orders-api:1.4.1@sha256:old", s.Swarm.Calls);
        var (phase, result, _) = await StateAsync(s);
        Assert.Equal((CandidatePhase.RolledBack, ReleaseOutcome.RolledBack), (phase, result));
    }

    [Fact]
    public async Task An_engine_unreachable_after_retries_ends_errored()
    {
        await using var s = await RollingOutAsync();
        s.Swarm.ThenUnreachable();
        for (var i = 1; i < WatchRollout.UnreachableLimit; i++)
            Assert.NotNull(await s.Watcher().RunAsync(s.ReleaseId, Ct));
        Assert.Null(await s.Watcher().RunAsync(s.ReleaseId, Ct));

        var (phase, outcome, said) = await StateAsync(s);
        Assert.Equal((CandidatePhase.Errored, ReleaseOutcome.Failed), (phase, outcome));
        Assert.Contains("could not be reached", said);
        Assert.Contains("could not be reached", Assert.Single(await s.World.MailsAsync("release-errored")).TextBody);
    }

    [Fact]
    public async Task Past_the_applications_timeout_the_rollout_ends_errored()
    {
        await using var s = await RollingOutAsync();
        s.Swarm.Then(s.Seen("updating", Ours, s.Task(1, "starting")));
        s.World.Time.Advance(TimeSpan.FromSeconds(s.World.Orders.Rollout.TimeoutSeconds + 1));

        Assert.Null(await s.Watcher().RunAsync(s.ReleaseId, Ct));

        Assert.Contains("did not finish within its timeout", (await StateAsync(s)).Said);
        Assert.Equal(CandidatePhase.Errored, (await StateAsync(s)).Phase);
    }

    [Fact]
    public async Task Another_update_started_after_ours_is_a_change_by_someone_else()
    {
        await using var s = await RollingOutAsync();
        s.Swarm.Then(s.Seen("updating", Ours));
        s.Swarm.Then(s.Seen("updating", Ours.AddSeconds(5)));

        Assert.NotNull(await s.Watcher().RunAsync(s.ReleaseId, Ct));
        Assert.Null(await s.Watcher().RunAsync(s.ReleaseId, Ct));

        Assert.Contains("changed by someone else", (await StateAsync(s)).Said);
    }

    [Fact]
    public async Task A_smoke_url_that_does_not_answer_2xx_holds_the_release_until_it_does()
    {
        await using var s = await RollingOutAsync(smokeUrl: "http://127.0.0.1:1/health");
        s.Swarm.Then(s.Seen("completed", Ours, s.Task(1, "running"), s.Task(2, "running")));
        s.Smoke.Problem = "GET http://127.0.0.1:1/health answered 503";

        Assert.NotNull(await s.Watcher().RunAsync(s.ReleaseId, Ct));
        Assert.Equal(CandidatePhase.RollingOut, (await StateAsync(s)).Phase);
        s.Smoke.Problem = null;
        Assert.Null(await s.Watcher().RunAsync(s.ReleaseId, Ct));

        Assert.Equal(CandidatePhase.Released, (await StateAsync(s)).Phase);
    }

    [Fact]
    public async Task A_smoke_url_failing_past_the_monitor_period_plus_the_smoke_timeout_rolls_the_service_back_as_a_failure()
    {
        await using var s = await RollingOutAsync(smokeUrl: "http://127.0.0.1:1/smoke");
        // Both tasks run the digest, the younger for 20 s: past the 15 s monitor period, the rollout converged 4.9 s ago.
        SwarmTask Since(int slot, double secondsAgo) => s.Task(slot, "running") with { At = s.World.Time.GetUtcNow().AddSeconds(-secondsAgo) };
        s.Swarm.Then(s.Seen("updating", Ours, Since(1, 30), Since(2, 20)));
        s.Smoke.Problem = "GET http://127.0.0.1:1/smoke answered 404";

        Assert.Equal(WatchRollout.LookEvery, await s.Watcher().RunAsync(s.ReleaseId, Ct));
        s.World.Time.Advance(TimeSpan.FromSeconds(SmokeSeconds - 5));
        Assert.Equal(WatchRollout.LookEvery, await s.Watcher().RunAsync(s.ReleaseId, Ct));
        Assert.Equal(CandidatePhase.RollingOut, (await StateAsync(s)).Phase);
        Assert.DoesNotContain(s.Swarm.Calls, c => c.StartsWith("rollback"));

        // The smoke timeout has run out since the convergence: back to the release before, and the watch follows Swarm's rollback.
        s.World.Time.Advance(TimeSpan.FromSeconds(0.2));
        Assert.Equal(WatchRollout.LookEvery, await s.Watcher().RunAsync(s.ReleaseId, Ct));

        Assert.Contains("rollback 127.0.0.1:5002/orders-api:1.4.1@sha256:old", s.Swarm.Calls);
        var (phase, outcome, said) = await StateAsync(s);
        Assert.Equal((CandidatePhase.RolledBack, ReleaseOutcome.RolledBack), (phase, outcome));
        Assert.Contains("did not answer 2xx within 30 s: GET http://127.0.0.1:1/smoke answered 404", said);
        Assert.Contains("404", Assert.Single(await s.World.MailsAsync("release-rolled-back")).TextBody);
        s.Swarm.Then(s.Seen("rollback_completed", Ours.AddSeconds(40), Since(1, 1) with { Image = "127.0.0.1:5002/orders-api:1.4.1@sha256:old" }));
        Assert.Null(await s.Watcher().RunAsync(s.ReleaseId, Ct));
        Assert.Single(await s.World.MailsAsync("release-rolled-back"));
    }

    [Fact]
    public async Task A_first_release_whose_smoke_url_keeps_failing_ends_errored_with_nothing_to_roll_back_to()
    {
        await using var s = await RollingOutAsync(smokeUrl: "http://127.0.0.1:1/smoke", firstRelease: true);
        s.Swarm.Then(s.Seen("completed", Ours, s.Task(1, "running"), s.Task(2, "running")));
        s.Smoke.Problem = "GET http://127.0.0.1:1/smoke answered 404";
        // The tasks started at Now: the 15 s monitor period, then the smoke timeout.
        s.World.Time.Advance(TimeSpan.FromSeconds(15 + SmokeSeconds + 1));

        Assert.Null(await s.Watcher().RunAsync(s.ReleaseId, Ct));

        var (phase, _, said) = await StateAsync(s);
        Assert.Equal(CandidatePhase.Errored, phase);
        Assert.Contains("no earlier version to roll back to", said);
        Assert.DoesNotContain(s.Swarm.Calls, c => c.StartsWith("rollback"));
    }

    [Fact]
    public async Task Every_task_runs_the_digest_only_when_its_container_runs_it_whatever_the_task_spec_says()
    {
        await using var s = await RollingOutAsync();
        // The specs name the new digest, but one container still runs the old image (as the engine reports the container).
        s.Swarm.Then(s.Seen("completed", Ours, s.Task(1, "running") with { ContainerDigests = [s.Candidate.Digest] },
            s.Task(2, "running") with { ContainerDigests = ["sha256:old"] }));
        Assert.Equal(WatchRollout.LookEvery, await s.Watcher().RunAsync(s.ReleaseId, Ct));
        Assert.Equal(CandidatePhase.RollingOut, (await StateAsync(s)).Phase);

        s.Swarm.Then(s.Seen("completed", Ours, s.Task(1, "running") with { ContainerDigests = [s.Candidate.Digest] },
            s.Task(2, "running") with { ContainerDigests = ["sha256:other-repo", s.Candidate.Digest] }));
        Assert.Null(await s.Watcher().RunAsync(s.ReleaseId, Ct));

        Assert.Equal(CandidatePhase.Released, (await StateAsync(s)).Phase);
        await using var db = s.World.Dbs.CreateDbContext();
        Assert.Contains("as their containers' images report", (await db.Rollouts.SingleAsync(r => r.ReleaseId == s.ReleaseId, Ct)).Message);
    }
}
