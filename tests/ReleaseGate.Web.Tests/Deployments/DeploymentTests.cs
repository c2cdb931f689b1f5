using ReleaseGate.Core;
using System.Net;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Deployments;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Web.Tests;

/// <summary>Test deployments on the real engine with the real staging registry and the test images.</summary>
public class DeploymentTests : IAsyncLifetime
{
    private static readonly TimeSpan Deploy = TimeSpan.FromSeconds(90);
    private readonly ApiPortal portal = new();
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        portal.Mail.Start();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        portal.Dispose();
        http.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task A_healthy_image_runs_in_test_and_QA_is_mailed_the_url()
    {
        var app = await portal.SeedDemoAsync("deploy-healthy");
        var id = await portal.RegisterAsync("deploy-healthy", "127.0.0.1:5001/demo/web:v1", 1);

        var candidate = await portal.WaitForPhaseAsync(id, Deploy, CandidatePhase.AwaitingSignOff, CandidatePhase.DeployFailed);

        Assert.Equal(CandidatePhase.AwaitingSignOff, candidate.Phase);
        Assert.Equal($"http://127.0.0.1:{app.TestEnvironment.PublishedPort}/", candidate.TestUrl);
        Assert.Equal("demo-web v1", (await http.GetStringAsync(candidate.TestUrl!, Ct)).Trim());
        var running = Assert.Single(await TestContainers.OfAsync("deploy-healthy"));
        Assert.Equal(id.ToString(), running.Labels[DeployCandidate.Labels.Candidate]);
        Assert.Equal(Infra.WebV1Digest, running.Labels[DeployCandidate.Labels.Digest]);

        var mail = (await portal.Mail.WaitForAsync(1, TimeSpan.FromSeconds(20))).Single(m => m.Subject!.Contains("ready to test"));
        Assert.Equal("qa@example.com", mail.To.Mailboxes.Single().Address);
        Assert.Contains(candidate.TestUrl!, mail.TextBody);
        Assert.Contains($"http://portal.example.com/candidates/{id}", mail.TextBody);
        Assert.Contains("Build 1", mail.TextBody); // the changes Jenkins sent
    }

    [Fact]
    public async Task A_newer_candidate_replaces_the_previous_container()
    {
        var app = await portal.SeedDemoAsync("deploy-replace");
        var v1 = await portal.RegisterAsync("deploy-replace", "127.0.0.1:5001/demo/web:v1", 1);
        await portal.WaitForPhaseAsync(v1, Deploy, CandidatePhase.AwaitingSignOff);
        using var engine = TestContainers.Engine();
        var v1Container = Assert.Single(await TestContainers.OfAsync("deploy-replace"));

        var v2 = await portal.RegisterAsync("deploy-replace", "127.0.0.1:5001/demo/web:v2", 2);
        var candidate = await portal.WaitForPhaseAsync(v2, Deploy, CandidatePhase.AwaitingSignOff, CandidatePhase.DeployFailed);

        Assert.Equal(CandidatePhase.AwaitingSignOff, candidate.Phase); // v2 has a HEALTHCHECK: the engine's verdict is used
        var running = Assert.Single(await TestContainers.OfAsync("deploy-replace"));
        Assert.Equal(v2.ToString(), running.Labels[DeployCandidate.Labels.Candidate]);
        Assert.Equal("demo-web v2", (await http.GetStringAsync($"http://127.0.0.1:{app.TestEnvironment.PublishedPort}/", Ct)).Trim());
        await using var db = portal.CreateDb();
        Assert.Equal(CandidatePhase.Superseded, (await db.Candidates.SingleAsync(c => c.Id == v1, Ct)).Phase);
        // The replaced image is gone too, unless another test's container still runs it.
        var users = await engine.Containers.ListContainersAsync(new Docker.DotNet.Models.ContainersListParameters { All = true }, Ct);
        if (!users.Any(c => c.ImageID == v1Container.ImageID))
            await Assert.ThrowsAsync<Docker.DotNet.DockerImageNotFoundException>(() => engine.Images.InspectImageAsync(v1Container.Image, Ct));
    }

    [Fact]
    public async Task A_crashing_image_fails_with_its_last_log_lines_and_the_team_is_mailed()
    {
        await portal.SeedDemoAsync("deploy-crash", repository: "demo/crashing");
        var id = await portal.RegisterAsync("deploy-crash", "127.0.0.1:5001/demo/crashing:v1", 1);

        var candidate = await portal.WaitForPhaseAsync(id, Deploy, CandidatePhase.AwaitingSignOff, CandidatePhase.DeployFailed);

        Assert.Equal(CandidatePhase.DeployFailed, candidate.Phase);
        var failure = candidate.Events.Single(e => e.Kind == "DeployFailed");
        Assert.Contains("stopped right after it started (exit code 1)", failure.Message);
        Assert.Contains("FATAL: missing configuration DATABASE_URL", failure.LogTail);
        var mail = (await portal.Mail.WaitForAsync(1, TimeSpan.FromSeconds(20))).Single(m => m.Subject!.Contains("test deployment failed"));
        Assert.Equal(["team@example.com", "lead@example.com"], mail.To.Mailboxes.Select(m => m.Address));
        Assert.Contains("DATABASE_URL", mail.TextBody);
    }

    [Fact]
    public async Task A_never_healthy_image_fails_after_the_health_timeout()
    {
        await portal.SeedDemoAsync("deploy-unhealthy", repository: "demo/unhealthy", healthTimeoutSeconds: 6);
        var id = await portal.RegisterAsync("deploy-unhealthy", "127.0.0.1:5001/demo/unhealthy:v1", 1);

        var candidate = await portal.WaitForPhaseAsync(id, Deploy, CandidatePhase.AwaitingSignOff, CandidatePhase.DeployFailed);

        Assert.Equal(CandidatePhase.DeployFailed, candidate.Phase);
        var deploying = candidate.Events.Single(e => e.Kind == "Deploying").At;
        var failed = candidate.Events.Single(e => e.Kind == "DeployFailed");
        Assert.Contains("did not become healthy within 6 s", failed.Message);
        Assert.Contains("unhealthy", failed.Message);
        Assert.True(failed.At - deploying >= TimeSpan.FromSeconds(6));
    }

    [Fact]
    public async Task A_taken_port_fails_clearly_and_a_redeploy_succeeds_once_it_is_free()
    {
        var port = MailSink.FreePort();
        await portal.SeedDemoAsync("deploy-port", port: port);
        var squatter = new TcpListener(IPAddress.Any, port);
        squatter.Start();
        Guid id;
        try
        {
            id = await portal.RegisterAsync("deploy-port", "127.0.0.1:5001/demo/web:v1", 1);
            var failed = await portal.WaitForPhaseAsync(id, Deploy, CandidatePhase.AwaitingSignOff, CandidatePhase.DeployFailed);
            Assert.Equal(CandidatePhase.DeployFailed, failed.Phase);
            Assert.Contains($"Port {port} on the test host is already taken", failed.Events.Single(e => e.Kind == "DeployFailed").Message);
        }
        finally
        {
            squatter.Stop();
        }

        await portal.CreateUserAsync("qa@example.com", Roles.QA);
        await portal.CreateUserAsync("dev@example.com");
        using (var scope = portal.Services.CreateScope())
        {
            var redeploy = scope.ServiceProvider.GetRequiredService<RedeployCandidate>();
            Assert.Equal(RefusalCode.MissingRole, (await redeploy.RunAsync(id, "dev@example.com", Ct)).Refusal?.Code);
            Assert.False((await redeploy.RunAsync(id, "qa@example.com", Ct)).IsRefused);
        }

        var redeployed = await portal.WaitForPhaseAsync(id, Deploy, CandidatePhase.AwaitingSignOff);
        Assert.Contains(redeployed.Events, e => e.Kind == "RedeployRequested" && e.Actor == "qa@example.com");
        Assert.Equal("demo-web v1", (await http.GetStringAsync(redeployed.TestUrl!, Ct)).Trim());
        Assert.Single(await TestContainers.OfAsync("deploy-port"));
    }

    [Fact]
    public async Task A_redeploy_is_refused_unless_the_deployment_failed()
    {
        await portal.SeedDemoAsync("deploy-refuse");
        var id = await portal.RegisterAsync("deploy-refuse", "127.0.0.1:5001/demo/web:v1", 1);
        await portal.WaitForPhaseAsync(id, Deploy, CandidatePhase.AwaitingSignOff);

        await portal.CreateUserAsync("qa@example.com", Roles.QA);
        using var scope = portal.Services.CreateScope();
        var redeploy = scope.ServiceProvider.GetRequiredService<RedeployCandidate>();
        Assert.Equal(RefusalCode.WrongPhase, (await redeploy.RunAsync(id, "qa@example.com", Ct)).Refusal?.Code);
    }

    [Fact]
    public async Task A_deployment_cut_short_by_a_restart_is_finished_by_the_next_start_with_one_container()
    {
        await portal.SeedDemoAsync("deploy-restart", repository: "demo/slow", healthTimeoutSeconds: 60,
            environment: new() { ["START_DELAY"] = "6" });
        var id = await portal.RegisterAsync("deploy-restart", "127.0.0.1:5001/demo/slow:v1", 1);

        // Stop the portal while it waits for health.
        var until = DateTime.UtcNow + Deploy;
        while (true)
        {
            await using var db = portal.CreateDb();
            var c = await db.Candidates.AsNoTracking().SingleAsync(x => x.Id == id, Ct);
            if (c.Progress?.StartsWith("Waiting for health") == true) break;
            Assert.True(DateTime.UtcNow < until, $"never reached the health wait: {c.Phase} {c.Progress}");
            await Task.Delay(100, Ct);
        }
        portal.KeepDatabase = true;
        portal.Dispose(); // a shutdown: the scheduler cuts the job short and hands it back

        using var restarted = new ApiPortal();
        restarted.Settings["ReleaseGate:Database:ConnectionString"] = $"Data Source={portal.DatabasePath}";
        restarted.Mail.Start();
        _ = restarted.Services; // start it: the scheduler recovers the deployment
        var candidate = await restarted.WaitForPhaseAsync(id, Deploy, CandidatePhase.AwaitingSignOff, CandidatePhase.DeployFailed);

        Assert.Equal(CandidatePhase.AwaitingSignOff, candidate.Phase);
        Assert.Contains(candidate.Events, e => e.Kind == "DeployResumed");
        Assert.Single(await TestContainers.OfAsync("deploy-restart"));
    }
}

