using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Releases;
using ReleaseGate.Registry;

namespace ReleaseGate.Web.Tests;

/// <summary>The portal as its own process, killed with SIGKILL in the middle of watching a rollout, then started again.</summary>
public class KilledRolloutTests : IDisposable
{
    private readonly string database = Path.Combine(Path.GetTempPath(), $"rg-killed-rollout-{Guid.NewGuid():N}.db");
    private readonly string applications = Path.Combine(Path.GetTempPath(), $"rg-killed-rollout-{Guid.NewGuid():N}.yml");
    private readonly string slug = $"rg-kill-{Guid.NewGuid():N}"[..16];
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private PortalProcess StartPortal() => PortalProcess.Start(new Dictionary<string, string>
    {
        ["ReleaseGate__Database__ConnectionString"] = $"Data Source={database}",
        ["ReleaseGate__TestEnvironment__DockerHost"] = Infra.DockerHost,
        ["ReleaseGate__Swarm__DockerHost"] = Infra.DockerHost,
        ["ReleaseGate__ApplicationsFile"] = applications,
    });

    private ReleaseGateDb Db() => new(new DbContextOptionsBuilder<ReleaseGateDb>().UseSqlite($"Data Source={database};Pooling=False").Options);

    [Fact]
    public async Task A_portal_killed_while_watching_a_rollout_resumes_watching_after_a_restart_and_releases()
    {
        await File.WriteAllTextAsync(applications, $"""
            applications:
              - slug: {slug}
                stagingRepository: 127.0.0.1:5001/demo/web
                productionRepository: 127.0.0.1:5002/{slug}
                swarmService: {slug}
                testEnvironment: {"{"} containerName: {slug}-test, publishedPort: {MailSink.FreePort()} {"}"}
                rollout: {"{"} parallelism: 1, delaySeconds: 3, monitorSeconds: 1, timeoutSeconds: 120 {"}"}
                swarm: {"{"} replicas: 3, stopGracePeriodSeconds: 1 {"}"}
            """, Ct);
        // Production runs v1 already (three tasks); the portal learns the application from its file at the first start.
        using var http = new HttpClient();
        var registry = new RegistryClient(http, new RegistryEndpoint(new Uri("http://127.0.0.1:5001")));
        await ImageCopy.CopyAsync(registry, "demo/web", new RegistryClient(http, new RegistryEndpoint(new Uri("http://127.0.0.1:5002"))), slug, Infra.WebV1Digest, "v1", ct: Ct);
        using var docker = new DockerClientBuilder().WithEndpoint(new Uri(Infra.DockerHost)).Build();
        await docker.Swarm.CreateServiceAsync(new ServiceCreateParameters { Service = new ServiceSpec
        {
            Name = slug, Mode = new ServiceMode { Replicated = new ReplicatedService { Replicas = 3 } },
            TaskTemplate = new TaskSpec { ContainerSpec = new ContainerSpec { Image = $"127.0.0.1:5002/{slug}:v1@{Infra.WebV1Digest}", StopGracePeriod = TimeSpan.FromSeconds(1) } },
        } }, Ct);
        await using (var first = StartPortal())
            await first.ReadyAsync(Ct); // then SIGKILLed (DisposeAsync): no shutdown, no hand-back

        // v2 was approved and its cutoff came: it is Promoting, and the next start's catch-up takes it from there.
        Guid id;
        await using (var db = Db())
        {
            var app = await db.Applications.SingleAsync(a => a.Slug == slug, Ct);
            var c = new Candidate { ApplicationId = app.Id, Version = "v2", Digest = Infra.WebV2Digest, Commit = "9fceb02d0ae598e95dc970b74767f19372d61af8", SubmittedBy = "dev@example.com", RegisteredAt = DateTimeOffset.UtcNow };
            foreach (var phase in new[] { CandidatePhase.Deploying, CandidatePhase.AwaitingSignOff, CandidatePhase.Approved, CandidatePhase.Promoting })
                c.MoveTo(phase, DateTimeOffset.UtcNow, "system", "seed");
            db.Candidates.Add(c);
            await db.SaveChangesAsync(Ct);
            id = c.Id;
        }

        await using (StartPortal())
        {
            // Killed once the update is under way and at least one task runs v2, but before the last one does.
            await RolloutFailureTests.Until(async () =>
            {
                await using var db = Db();
                return await db.Rollouts.AnyAsync(r => r.CandidateId == id && r.UpdateStartedAt != null && r.Updated >= 1, Ct);
            }, 60);
        }
        await using (var db = Db())
            Assert.Equal(CandidatePhase.RollingOut, (await db.Candidates.SingleAsync(c => c.Id == id, Ct)).Phase);

        await using (StartPortal())
        {
            await RolloutFailureTests.Until(async () =>
            {
                await using var db = Db();
                return (await db.Candidates.SingleAsync(c => c.Id == id, Ct)).Phase != CandidatePhase.RollingOut;
            }, 90);
        }
        await using var read = Db();
        Assert.Equal(CandidatePhase.Released, (await read.Candidates.SingleAsync(c => c.Id == id, Ct)).Phase);
        Assert.Equal(ReleaseOutcome.Succeeded, (await read.Releases.SingleAsync(r => r.CandidateId == id, Ct)).Outcome);
        var tasks = await docker.Tasks.ListAsync(new TasksListParameters { Filters = new Dictionary<string, IDictionary<string, bool>>
            { ["service"] = new Dictionary<string, bool> { [slug] = true }, ["desired-state"] = new Dictionary<string, bool> { ["running"] = true } } }, Ct);
        Assert.Equal(3, tasks.Count);
        Assert.All(tasks, t => Assert.EndsWith("@" + Infra.WebV2Digest, t.Spec!.ContainerSpec!.Image));
    }

    public void Dispose()
    {
        using (var docker = new DockerClientBuilder().WithEndpoint(new Uri(Infra.DockerHost)).Build())
            try { docker.Swarm.RemoveServiceAsync(slug).GetAwaiter().GetResult(); } catch (DockerApiException) { }
        TestContainers.RemoveAsync([slug]).GetAwaiter().GetResult();
        SqliteConnection.ClearAllPools();
        foreach (var f in new[] { database, database + "-wal", database + "-shm", applications }) if (File.Exists(f)) File.Delete(f);
    }
}
