using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Deployments;

namespace ReleaseGate.Core.Tests;

/// <summary>The deployment's bookkeeping with a scripted host (the real engine is in Web.Tests' DeploymentTests).</summary>
public class DeployCandidateTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed class ScriptedHost(Exception? failOnStart = null) : ITestHost
    {
        public List<string> Steps { get; } = [];
        public string PublicHost => "test-host.example.com";
        public Task PullAsync(string image, CancellationToken ct) { Steps.Add($"pull {image}"); return Task.CompletedTask; }
        public Task RemoveAsync(TestContainer container, CancellationToken ct) { Steps.Add($"remove {container.Name}"); return Task.CompletedTask; }
        public Task<string> StartAsync(TestContainer container, CancellationToken ct) =>
            failOnStart is not null ? throw failOnStart : Task.FromResult("container-1");
        public Task WaitHealthyAsync(string containerId, TestContainer container, CancellationToken ct) { Steps.Add($"health {container.HealthUrl}"); return Task.CompletedTask; }
    }

    private sealed class NoChanges : ICandidateChanges
    {
        public void Published(Guid candidateId) { }
    }

    private static async Task<(TestDatabase, Guid)> RegisteredAsync()
    {
        var dbs = await TestDatabase.CreateAsync();
        await using var db = dbs.CreateDbContext();
        var candidate = Build.Candidate();
        db.Candidates.Add(candidate);
        await db.SaveChangesAsync(Ct);
        return (dbs, candidate.Id);
    }

    private static DeployCandidate Deploy(TestDatabase dbs, ITestHost host) =>
        new(dbs, host, new NoChanges(), new FakeTimeProvider(DateTimeOffset.Parse("2026-11-26T10:00:00Z")), new PortalLinks(new Uri("http://portal.example.com/")));

    [Fact]
    public async Task A_healthy_deployment_records_the_test_url_and_mails_QA()
    {
        var (dbs, id) = await RegisteredAsync();
        await using var _ = dbs;
        var host = new ScriptedHost();

        await Deploy(dbs, host).RunAsync(id, Ct);

        await using var db = dbs.CreateDbContext();
        var c = await db.Candidates.Include(x => x.Events).SingleAsync(x => x.Id == id, Ct);
        Assert.Equal(CandidatePhase.AwaitingSignOff, c.Phase);
        Assert.Equal("http://test-host.example.com:18080/", c.TestUrl);
        Assert.Null(c.Progress);
        Assert.Equal(["pull 127.0.0.1:5001/orders-api@" + c.Digest, "remove orders-api-test", "health http://test-host.example.com:18080/health"], host.Steps);
        var mail = await db.Outbox.SingleAsync(Ct);
        Assert.Equal(["qa@example.com"], mail.To);
        Assert.Contains("http://test-host.example.com:18080/", mail.TextBody);
    }

    [Fact]
    public async Task An_unexpected_error_still_ends_in_DeployFailed_and_the_team_is_told()
    {
        var (dbs, id) = await RegisteredAsync();
        await using var _ = dbs;

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Deploy(dbs, new ScriptedHost(new InvalidOperationException("engine answered nonsense"))).RunAsync(id, Ct));

        await using var db = dbs.CreateDbContext();
        var c = await db.Candidates.Include(x => x.Events).SingleAsync(x => x.Id == id, Ct);
        Assert.Equal(CandidatePhase.DeployFailed, c.Phase);
        Assert.Contains("engine answered nonsense", c.Events.Single(e => e.Kind == "DeployFailed").Message);
        Assert.Equal(["team@example.com"], (await db.Outbox.SingleAsync(Ct)).To);
    }

    [Fact]
    public async Task A_candidate_superseded_while_queued_is_not_deployed()
    {
        var (dbs, id) = await RegisteredAsync();
        await using var _ = dbs;
        await using (var db = dbs.CreateDbContext())
        {
            var c = await db.Candidates.SingleAsync(x => x.Id == id, Ct);
            c.MoveTo(CandidatePhase.Superseded, DateTimeOffset.UnixEpoch, "system", "newer");
            await db.SaveChangesAsync(Ct);
        }
        var host = new ScriptedHost();

        await Deploy(dbs, host).RunAsync(id, Ct);

        Assert.Empty(host.Steps);
    }
}

/// <summary>A step that times out on its own is not a shutdown: the candidate does not stay Deploying.</summary>
public class DeployTimeoutTests
{
    private sealed class TimingOutHost : ITestHost
    {
        public string PublicHost => "test-host.example.com";
        public Task PullAsync(string image, CancellationToken ct) => throw new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout");
        public Task RemoveAsync(TestContainer container, CancellationToken ct) => Task.CompletedTask;
        public Task<string> StartAsync(TestContainer container, CancellationToken ct) => Task.FromResult("c");
        public Task WaitHealthyAsync(string containerId, TestContainer container, CancellationToken ct) => Task.CompletedTask;
    }

    private sealed class NoChanges : ICandidateChanges
    {
        public void Published(Guid candidateId) { }
    }

    [Fact]
    public async Task A_step_that_times_out_ends_in_DeployFailed()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var dbs = await TestDatabase.CreateAsync();
        var candidate = Build.Candidate();
        await using (var db = dbs.CreateDbContext())
        {
            db.Candidates.Add(candidate);
            await db.SaveChangesAsync(ct);
        }

        await new DeployCandidate(dbs, new TimingOutHost(), new NoChanges(), new FakeTimeProvider(DateTimeOffset.Parse("2026-11-26T10:00:00Z")),
            new PortalLinks(new Uri("http://portal.example.com/"))).RunAsync(candidate.Id, ct);

        await using var check = dbs.CreateDbContext();
        Assert.Equal(CandidatePhase.DeployFailed, (await check.Candidates.SingleAsync(c => c.Id == candidate.Id, ct)).Phase);
    }
}
