using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using ReleaseGate.Core.Applications;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Deployments;
using ReleaseGate.Core.Schedule;
using ReleaseGate.Core.SignOffs;
using ReleaseGate.Core.Users;
using ReleaseGate.Registry;

namespace ReleaseGate.Web.Tests;

/// <summary>
/// Two portal processes on one PostgreSQL, as two replicas behind a load balancer: they share only the database.
/// Quartz runs clustered on it, the audit chain is extended under a database lock, and a replica killed with SIGKILL
/// has its recoverable work finished by the other: a deployment waiting for health, a promotion in the middle of its copy.
/// </summary>
public class TwoReplicasTests : IAsyncDisposable
{
    private readonly TestDatabase dbs = new(postgres: true);
    private readonly string applications = Path.Combine(Path.GetTempPath(), $"rg-replicas-{Guid.NewGuid():N}.yml");
    private readonly string slug = $"rg-rep-{Guid.NewGuid():N}"[..16];
    private readonly List<PortalProcess> replicas = [];
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private PortalProcess Start(string? productionRegistry = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["ReleaseGate__Database__Provider"] = "Postgres",
            ["ReleaseGate__Database__ConnectionString"] = PostgresServer.ConnectionString(dbs.PostgresName!),
            ["ReleaseGate__TestEnvironment__DockerHost"] = Infra.DockerHost,
            ["ReleaseGate__Jenkins__KeyId"] = ApiPortal.KeyId,
            ["ReleaseGate__Jenkins__Applications"] = "*",
            ["ReleaseGate__Jenkins__Secret"] = ApiPortal.Secret,
        };
        if (File.Exists(applications)) environment["ReleaseGate__ApplicationsFile"] = applications;
        if (productionRegistry is not null) environment["ReleaseGate__Registries__Production"] = productionRegistry;
        var replica = PortalProcess.Start(environment);
        replicas.Add(replica);
        return replica;
    }

    private async Task<string[]> SchedulerInstancesAsync()
    {
        await using var connection = new NpgsqlConnection(PostgresServer.ConnectionString(dbs.PostgresName!, pooling: false));
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT instance_name FROM qrtz_scheduler_state", connection);
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct)) names.Add(reader.GetString(0));
        return [.. names];
    }

    /// <summary>The replica whose scheduler runs a job of the group now (the latest, while a dead one's row awaits recovery).</summary>
    private async Task<string?> InstanceRunningAsync(string jobGroup)
    {
        await using var connection = new NpgsqlConnection(PostgresServer.ConnectionString(dbs.PostgresName!, pooling: false));
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT instance_name FROM qrtz_fired_triggers WHERE job_group = @group AND state = 'EXECUTING' ORDER BY fired_time DESC LIMIT 1", connection);
        command.Parameters.AddWithValue("group", jobGroup);
        return await command.ExecuteScalarAsync(Ct) as string;
    }

    /// <summary>The replica running the candidate's job of the group, once its progress says it is at the step named.</summary>
    private async Task<string> RunningAtAsync(Guid id, string jobGroup, string progressStart, int seconds)
    {
        string? runner = null;
        await RolloutFailureTests.Until(async () =>
        {
            await using var db = dbs.CreateDbContext();
            var progress = (await db.Candidates.SingleAsync(c => c.Id == id, Ct)).Progress;
            runner = await InstanceRunningAsync(jobGroup);
            return runner is not null && progress?.StartsWith(progressStart, StringComparison.Ordinal) == true;
        }, seconds);
        return runner!;
    }

    /// <summary>Two replicas started one after the other, so each scheduler instance is known to belong to its process.</summary>
    private async Task<(PortalProcess A, string InstanceA, PortalProcess B, string InstanceB)> StartTwoAsync(string? productionRegistry = null)
    {
        var a = Start(productionRegistry);
        await a.ReadyAsync(Ct);
        var first = Assert.Single(await SchedulerInstancesAsync());
        var b = Start(productionRegistry);
        await b.ReadyAsync(Ct);
        return (a, first, b, Assert.Single(await SchedulerInstancesAsync(), i => i != first));
    }

    [Fact]
    public async Task A_cutoff_fires_once_across_two_replicas_and_their_concurrent_audit_rows_form_one_chain()
    {
        // A registry-only application (no Swarm service): released once it is in the production registry.
        await using (var db = dbs.CreateDbContext())
        {
            db.Applications.Add(new Application
            {
                Slug = slug, DisplayName = slug, StagingRepository = "127.0.0.1:5001/demo/web", ProductionRepository = $"127.0.0.1:5002/{slug}", SwarmService = "",
                TestEnvironment = new TestEnvironmentSpec { ContainerName = slug, PublishedPort = MailSink.FreePort() },
            });
            await db.SaveChangesAsync(Ct);
        }
        dbs.WithUser("admin@example.com", Roles.Admin);
        dbs.WithUser("qa@example.com", Roles.QA);
        var token = (await new CreateToken(dbs, TimeProvider.System).RunAsync("admin@example.com", "admin@example.com", "replicas", null, ReleaseGate.Core.Access.TokenScopes.All, Ct)).Value!.Token;
        var (a, b) = (Start(), Start());
        await Task.WhenAll(a.ReadyAsync(Ct), b.ReadyAsync(Ct));

        // An approved candidate and a window whose cutoff comes in a few seconds; both replicas sync window triggers.
        Guid id;
        await using (var db = dbs.CreateDbContext())
        {
            var app = await db.Applications.SingleAsync(x => x.Slug == slug, Ct);
            var c = new Candidate { ApplicationId = app.Id, Version = "v1", Digest = Infra.WebV1Digest, Commit = "9fceb02d0ae598e95dc970b74767f19372d61af8", SubmittedBy = "dev@example.com", RegisteredAt = DateTimeOffset.UtcNow };
            foreach (var phase in new[] { CandidatePhase.Deploying, CandidatePhase.AwaitingSignOff, CandidatePhase.Approved })
                c.MoveTo(phase, DateTimeOffset.UtcNow, "system", "seed");
            // An approval by a QA who may still sign off: the cutoff re-checks it.
            c.SignOffs.Add(new SignOff { CandidateId = c.Id, Digest = c.Digest, User = "qa@example.com", Decision = SignOffDecision.Approve, At = DateTimeOffset.UtcNow });
            db.Candidates.Add(c);
            db.ReleaseWindows.Add(new ReleaseWindow { Name = "replicas", CutoffAt = DateTimeOffset.UtcNow.AddSeconds(8), ApplicationSlugs = [slug] });
            await db.SaveChangesAsync(Ct);
            id = c.Id;
        }

        // Meanwhile both replicas append audit rows at once: an admin creates accounts through each, all at the same time.
        var created = await Task.WhenAll(Enumerable.Range(0, 40).Select(async i =>
        {
            using var http = new HttpClient { BaseAddress = (i % 2 == 0 ? a : b).Address };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return (int)(await http.PostAsync("/api/v1/users", PeoplePortal.Json($$"""{"email":"qa{{i}}@example.com","roles":["QA"]}"""), Ct)).StatusCode;
        }));
        Assert.All(created, status => Assert.Equal(201, status));

        await RolloutFailureTests.Until(async () =>
        {
            await using var db = dbs.CreateDbContext();
            return (await db.Candidates.SingleAsync(c => c.Id == id, Ct)).Phase == CandidatePhase.Released;
        }, 120);

        await using var read = dbs.CreateDbContext();
        Assert.Equal(1, await read.CutoffRuns.CountAsync(r => r.Kind == CutoffRun.Cutoff, Ct));
        Assert.Equal(1, (await read.Promotions.SingleAsync(p => p.CandidateId == id, Ct)).Attempts);
        Assert.Equal(1, await read.CandidateEvents.CountAsync(e => e.CandidateId == id && e.Kind == nameof(CandidatePhase.Promoting), Ct));
        // Fired by one replica's scheduler only: the other never even ran the job.
        Assert.Single(replicas, r => r.Output.Any(l => l.Contains("handled", StringComparison.Ordinal) && l.Contains("Cutoff of window", StringComparison.Ordinal)));
        Assert.Equal(40, await read.AuditEvents.CountAsync(e => e.Action == "user.created", Ct));
        var chain = await new VerifyAuditChain(dbs).RunAsync(Ct);
        Assert.True(chain.Intact, $"broken at {chain.BrokenAt}: {chain.Reason}");
    }

    [Fact]
    public async Task A_deployment_running_on_a_killed_replica_is_finished_by_the_other()
    {
        var testPort = MailSink.FreePort();
        await File.WriteAllTextAsync(applications, $"""
            applications:
              - slug: {slug}
                stagingRepository: 127.0.0.1:5001/demo/slow
                productionRepository: 127.0.0.1:5002/{slug}
                swarmService: {slug}
                testEnvironment:
                  containerName: {slug}-test
                  publishedPort: {testPort}
                  healthTimeoutSeconds: 90
                  environmentVariables: {"{"} START_DELAY: "12" {"}"}
            """, Ct);
        var (a, first, b, _) = await StartTwoAsync();

        using var http = new HttpClient { BaseAddress = a.Address };
        var response = await new ApiClient(http, ApiPortal.KeyId, ApiPortal.Secret).PostAsync("/api/v1/candidates", $$"""
            {"application":"{{slug}}","image":"127.0.0.1:5001/demo/slow:v1","commit":"9fceb02d0ae598e95dc970b74767f19372d61af8",
             "buildNumber":1,"buildUrl":"https://jenkins.example.com/job/replicas/1/","submittedBy":"dev@example.com"}
            """);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
        var id = Guid.Parse(System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("id").GetString()!);

        // Killed while it waits for the container's health, wherever the cluster ran it.
        var runner = await RunningAtAsync(id, "deploy", "Waiting for health", 90);
        var (killed, survivor) = runner == first ? (a, b) : (b, a);
        await killed.KillAsync();

        await RolloutFailureTests.Until(async () =>
        {
            await using var db = dbs.CreateDbContext();
            return (await db.Candidates.SingleAsync(c => c.Id == id, Ct)).Phase != CandidatePhase.Deploying;
        }, 120);
        await using var read = dbs.CreateDbContext();
        Assert.Equal(CandidatePhase.AwaitingSignOff, (await read.Candidates.SingleAsync(c => c.Id == id, Ct)).Phase);
        Assert.Equal(1, await read.CandidateEvents.CountAsync(e => e.CandidateId == id && e.Kind == CandidateEventKinds.DeployResumed, Ct));
        Assert.NotEqual(runner, await InstanceRunningAsync("deploy") ?? "");
        var container = Assert.Single(await TestContainers.OfAsync(slug));
        Assert.Equal(id.ToString(), container.Labels[DeployCandidate.Labels.Candidate], ignoreCase: true);
        await survivor.ReadyAsync(Ct);
    }

    [Fact]
    public async Task A_promotion_cut_short_by_a_killed_replica_is_finished_by_the_other_once()
    {
        // The production registry as both replicas know it: a relay to :5002 that holds every request until it is
        // opened, so the copy stalls mid-promotion on whichever replica runs it, for as long as the test wants.
        var opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var port = MailSink.FreePort();
        using var relay = TcpForwarder.Start(port, 5002, opened.Task);
        Guid id;
        await using (var db = dbs.CreateDbContext())
        {
            // Registry-only (no Swarm service): released once production serves the signed digest.
            var app = new Application
            {
                Slug = slug, DisplayName = slug, StagingRepository = "127.0.0.1:5001/demo/web", ProductionRepository = $"127.0.0.1:{port}/{slug}", SwarmService = "",
                TestEnvironment = new TestEnvironmentSpec { ContainerName = slug, PublishedPort = MailSink.FreePort() },
            };
            var c = new Candidate { Application = app, Version = "v1", Digest = Infra.WebV1Digest, Commit = "9fceb02d0ae598e95dc970b74767f19372d61af8", SubmittedBy = "dev@example.com", RegisteredAt = DateTimeOffset.UtcNow };
            foreach (var phase in new[] { CandidatePhase.Deploying, CandidatePhase.AwaitingSignOff, CandidatePhase.Approved })
                c.MoveTo(phase, DateTimeOffset.UtcNow, "system", "seed");
            // An approval by a QA who may still sign off: the cutoff re-checks it.
            c.SignOffs.Add(new SignOff { CandidateId = c.Id, Digest = c.Digest, User = "qa@example.com", Decision = SignOffDecision.Approve, At = DateTimeOffset.UtcNow });
            db.Candidates.Add(c);
            await db.SaveChangesAsync(Ct);
            id = c.Id;
        }
        dbs.WithUser("rm@example.com", Roles.ReleaseManager);
        dbs.WithUser("qa@example.com", Roles.QA);
        var token = (await new CreateToken(dbs, TimeProvider.System).RunAsync("rm@example.com", "rm@example.com", "replicas", null, ReleaseGate.Core.Access.TokenScopes.Legacy, Ct)).Value!.Token;
        var (a, first, b, second) = await StartTwoAsync($"http://127.0.0.1:{port}");

        using (var http = new HttpClient { BaseAddress = a.Address })
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var released = await http.PostAsync($"/api/v1/applications/{slug}/release-now", PeoplePortal.Json("""{"reason":"two replicas"}"""), Ct);
            Assert.True(released.StatusCode == System.Net.HttpStatusCode.Accepted, await released.Content.ReadAsStringAsync(Ct));
        }

        // Killed in the middle of its copy, wherever the cluster ran it.
        var runner = await RunningAtAsync(id, "promote", "Copying", 30);
        var (killed, survivor, survivorInstance) = runner == first ? (a, b, second) : (b, a, first);
        await killed.KillAsync();

        // The survivor takes the job over (Quartz recovery) and stalls on the same copy; then the registry answers.
        await RolloutFailureTests.Until(async () => await InstanceRunningAsync("promote") == survivorInstance, 60);
        opened.SetResult();
        await RolloutFailureTests.Until(async () =>
        {
            await using var db = dbs.CreateDbContext();
            return (await db.Candidates.SingleAsync(c => c.Id == id, Ct)).Phase is CandidatePhase.Released or CandidatePhase.Errored;
        }, 60);

        await using var read = dbs.CreateDbContext();
        Assert.Equal(CandidatePhase.Released, (await read.Candidates.SingleAsync(c => c.Id == id, Ct)).Phase);
        using (var http = new HttpClient())
            Assert.Equal(Infra.WebV1Digest, (await new RegistryClient(http, new RegistryEndpoint(new Uri("http://127.0.0.1:5002"))).ResolveAsync(slug, "v1", Ct))?.Digest);
        // One promotion, tried twice (the run cut short, the recovered one), recorded and released once.
        var promotion = await read.Promotions.SingleAsync(p => p.CandidateId == id, Ct);
        Assert.Equal((2, Infra.WebV1Digest), (promotion.Attempts, promotion.ProductionDigest));
        Assert.Equal(1, await read.CandidateEvents.CountAsync(e => e.CandidateId == id && e.Kind == nameof(CandidatePhase.Promoting), Ct));
        Assert.Equal(1, await read.CandidateEvents.CountAsync(e => e.CandidateId == id && e.Kind == nameof(CandidatePhase.Released), Ct));
        Assert.Equal(1, await read.AuditEvents.CountAsync(e => e.Action == "candidate.promoted", Ct));
        Assert.Equal(1, await read.AuditEvents.CountAsync(e => e.Action == "candidate.released", Ct));
        Assert.Equal(Core.Releases.ReleaseOutcome.Succeeded, (await read.Releases.SingleAsync(r => r.CandidateId == id, Ct)).Outcome);
        await survivor.ReadyAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var replica in replicas) await replica.DisposeAsync();
        await TestContainers.RemoveAsync([slug]);
        await dbs.DisposeAsync();
        if (File.Exists(applications)) File.Delete(applications);
        GC.SuppressFinalize(this);
    }
}
