using Docker.DotNet.Models;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReleaseGate.Core.Applications;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Releases;

namespace ReleaseGate.Web.Tests;

/// <summary>Rollouts that fail on the real Swarm: reported as failures, never as success, and what people do about it.</summary>
public class RolloutFailureTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Timeline(Candidate c) => string.Join(" | ", c.Events.OrderBy(e => e.At).Select(e => $"{e.Kind}: {e.Message}"));

    [Fact]
    public async Task The_crashing_image_is_rolled_back_by_swarm_and_reported_as_a_failure_with_the_task_error()
    {
        await using var world = await SwarmWorld.StartAsync(replicas: 2);
        Assert.Equal(CandidatePhase.Released, (await world.ReleaseAsync(await world.ApprovedAsync("v1"))).Phase);

        var bad = await world.ApprovedAsync("bad");
        var ended = await world.ReleaseAsync(bad);

        Assert.True(ended.Phase == CandidatePhase.RolledBack, Timeline(ended));
        var said = ended.Events.Single(e => e.Kind == nameof(CandidatePhase.RolledBack)).Message;
        Assert.Contains("rolled the service back", said);
        Assert.Contains("non-zero exit", said); // the failing task's error, as Swarm gives it
        await using var db = world.Portal.CreateDb();
        Assert.Equal(ReleaseOutcome.RolledBack, (await db.Releases.SingleAsync(r => r.CandidateId == bad, Ct)).Outcome);
        Assert.Contains(await db.Outbox.ToListAsync(Ct), m => m.Kind == "release-rolled-back");
        var running = await world.RunningImagesAsync();
        Assert.NotEmpty(running);
        Assert.All(running, image => Assert.EndsWith("@" + Infra.WebV1Digest, image));
    }

    [Fact]
    public async Task With_the_pause_policy_the_crashing_image_pauses_and_roll_back_returns_to_v1()
    {
        await using var world = await SwarmWorld.StartAsync(replicas: 2, onFailure: RolloutFailureAction.Pause);
        await world.ReleaseAsync(await world.ApprovedAsync("v1"));
        var bad = await world.ApprovedAsync("bad");

        var paused = await world.ReleaseAsync(bad);
        Assert.True(paused.Phase == CandidatePhase.RolloutPaused, Timeline(paused));

        // The QA whose approval counted exists (SwarmWorld makes the account): a QA may not roll back.
        var refused = await world.UseAsync(sp => sp.GetRequiredService<RollBackRollout>().RunAsync(bad, "qa@example.com", Ct));
        Assert.Equal(Core.RefusalCode.MissingRole, refused.Refusal?.Code);
        var rolledBack = await world.UseAsync(sp => sp.GetRequiredService<RollBackRollout>().RunAsync(bad, world.Rm, Ct));
        Assert.False(rolledBack.IsRefused, rolledBack.Refusal?.Message);

        var ended = await world.Portal.WaitForPhaseAsync(bad, SwarmWorld.Finish, CandidatePhase.RolledBack);
        Assert.Equal(CandidatePhase.RolledBack, ended.Phase);
        await Until(async () => (await world.RunningImagesAsync()) is { Count: 2 } images && images.All(i => i.EndsWith("@" + Infra.WebV1Digest)));
    }

    [Fact]
    public async Task A_paused_rollout_resumes_once_the_service_setting_it_lacked_is_fixed_and_is_released()
    {
        await using var world = await SwarmWorld.StartAsync(replicas: 2, onFailure: RolloutFailureAction.Pause);
        await world.ReleaseAsync(await world.ApprovedAsync("v1"));
        var digest = await world.NeedsDatabaseImageAsync();
        var id = await world.ApprovedAsync("needs-db", digest);

        var paused = await world.ReleaseAsync(id);
        Assert.True(paused.Phase == CandidatePhase.RolloutPaused, Timeline(paused));

        await world.ConfigureAsync(app => app.Swarm = new SwarmServiceSpec
        {
            Replicas = 2, StopGracePeriodSeconds = 1, EnvironmentVariables = new() { ["DATABASE_URL"] = "postgres://db/app" },
        });
        var resumed = await world.UseAsync(sp => sp.GetRequiredService<ResumeRollout>().RunAsync(id, world.Rm, Ct));
        Assert.False(resumed.IsRefused, resumed.Refusal?.Message);

        var released = await world.Portal.WaitForPhaseAsync(id, SwarmWorld.Finish, CandidatePhase.Released, CandidatePhase.RolledBack, CandidatePhase.Errored, CandidatePhase.RolloutPaused);
        Assert.True(released.Phase == CandidatePhase.Released, Timeline(released));
        Assert.All(await world.RunningImagesAsync(), image => Assert.EndsWith("@" + digest, image));
    }

    [Fact]
    public async Task A_concurrent_docker_service_update_from_outside_is_detected_not_overwritten()
    {
        await using var world = await SwarmWorld.StartAsync(replicas: 3);
        await world.ReleaseAsync(await world.ApprovedAsync("v1"));
        await world.ConfigureAsync(app => app.Rollout.DelaySeconds = 4);
        var v2 = await world.ApprovedAsync("v2");
        using (var scope = world.Portal.Services.CreateScope())
            Assert.False((await scope.ServiceProvider.GetRequiredService<Core.Schedule.ReleaseNow>().RunAsync(world.Slug, "test", world.Rm, ct: Ct)).IsRefused);

        // Our update is under way (Swarm shows its start): then someone runs `docker service update --env-add` by hand.
        await Until(async () =>
        {
            await using var db = world.Portal.CreateDb();
            return await db.Rollouts.AnyAsync(r => r.CandidateId == v2 && r.UpdateStartedAt != null, Ct);
        });
        using (var docker = world.Engine())
        {
            var service = await docker.Swarm.InspectServiceAsync(world.Slug, Ct);
            service.Spec!.TaskTemplate!.ContainerSpec!.Env = ["CHANGED_BY=someone-else"];
            await docker.Swarm.UpdateServiceAsync(service.ID!, new ServiceUpdateParameters { Service = service.Spec, Version = (long)service.Version!.Index! }, Ct);
        }

        var ended = await world.Portal.WaitForPhaseAsync(v2, SwarmWorld.Finish, CandidatePhase.Errored, CandidatePhase.Released, CandidatePhase.RolledBack);
        Assert.True(ended.Phase == CandidatePhase.Errored, Timeline(ended));
        Assert.Contains("changed by someone else", ended.Events.Last(e => e.Kind == nameof(CandidatePhase.Errored)).Message);
    }

    [Fact]
    public async Task A_healthy_image_whose_smoke_url_keeps_failing_is_rolled_back_to_the_previous_release_within_the_monitor_period_plus_the_smoke_timeout()
    {
        const int smokeSeconds = 5, monitorSeconds = 2;
        var port = MailSink.FreePort();
        await using var world = await SwarmWorld.StartAsync(replicas: 1, smokeTimeoutSeconds: smokeSeconds, configure: app =>
        {
            app.Swarm.PublishedPorts = [$"{port}:8080"];
            app.Rollout.SmokeUrl = $"http://127.0.0.1:{port}/index.html";
        });
        Assert.Equal(CandidatePhase.Released, (await world.ReleaseAsync(await world.ApprovedAsync("v1"))).Phase);
        var digest = await world.SmokeFailingImageAsync();
        var id = await world.ApprovedAsync("no-index", digest);

        var ended = await world.ReleaseAsync(id);

        Assert.True(ended.Phase == CandidatePhase.RolledBack, Timeline(ended));
        var rolledBack = ended.Events.Single(e => e.Kind == nameof(CandidatePhase.RolledBack));
        Assert.Contains($"smoke URL http://127.0.0.1:{port}/index.html did not answer 2xx within {smokeSeconds} s", rolledBack.Message);
        Assert.Contains("answered 404", rolledBack.Message);
        // Decided from the new container's start: its monitor period, the smoke timeout, and a look (1 s, later on a busy machine) with its probe.
        var started = await world.ContainerStartedAsync(digest);
        var took = rolledBack.At - started;
        TestContext.Current.TestOutputHelper?.WriteLine($"rolled back {took.TotalSeconds:0.00} s after the smoke-failing container started");
        Assert.True(took >= TimeSpan.FromSeconds(monitorSeconds + smokeSeconds) && took < TimeSpan.FromSeconds(monitorSeconds + smokeSeconds + 4),
            $"rolled back {took.TotalSeconds:0.0} s after the container started; {Timeline(ended)}");
        await using (var db = world.Portal.CreateDb())
        {
            Assert.Equal(ReleaseOutcome.RolledBack, (await db.Releases.SingleAsync(r => r.CandidateId == id, Ct)).Outcome);
            Assert.Contains(await db.Outbox.ToListAsync(Ct), m => m.Kind == "release-rolled-back" && m.TextBody.Contains("answered 404"));
        }
        // Swarm puts v1 back, and the smoke URL answers again.
        using var http = new HttpClient();
        await Until(async () => (await world.RunningImagesAsync()) is [var image] && image.EndsWith("@" + Infra.WebV1Digest)
            && (await http.GetAsync($"http://127.0.0.1:{port}/index.html", Ct)).IsSuccessStatusCode);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_swarm_pulls_production_only_with_the_pull_credential_never_with_the_push_one(bool pullCredential)
    {
        // Production is the password-protected registry: promotion pushes with ProductionUserName, the Swarm gets ProductionPull* only.
        var registry = Infra.Get("RG_PRIVATE_REGISTRY");
        var (user, passwordFile) = (Infra.Get("RG_PRIVATE_REGISTRY_USER"), Infra.Get("RG_PRIVATE_REGISTRY_PASSWORD_FILE"));
        var settings = new Dictionary<string, string>
        {
            ["ReleaseGate:Registries:Production"] = $"http://{registry}",
            ["ReleaseGate:Registries:ProductionUserName"] = user, ["ReleaseGate:Registries:ProductionPasswordFile"] = passwordFile,
        };
        if (pullCredential)
            (settings["ReleaseGate:Registries:ProductionPullUserName"], settings["ReleaseGate:Registries:ProductionPullPasswordFile"]) = (user, passwordFile);
        await using var world = await SwarmWorld.StartAsync(replicas: 1, settings: settings, configure: app =>
        {
            app.ProductionRepository = $"{registry}/rollout/{app.Slug}";
            app.Rollout.TimeoutSeconds = 25;
        });

        var ended = await world.ReleaseAsync(await world.ApprovedAsync("v1"));

        if (pullCredential)
        {
            Assert.True(ended.Phase == CandidatePhase.Released, Timeline(ended));
            return;
        }
        // Promoted (the push credential works), but the workers were given no credential: they cannot pull it.
        Assert.True(ended.Phase == CandidatePhase.Errored, Timeline(ended));
        Assert.Contains(ended.Events, e => e.Kind == nameof(CandidatePhase.RollingOut));
        using var docker = world.Engine();
        var tasks = await docker.Tasks.ListAsync(new TasksListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["service"] = new Dictionary<string, bool> { [world.Slug] = true } },
        }, Ct);
        Assert.NotEmpty(tasks);
        Assert.DoesNotContain(tasks, t => t.Status?.State == TaskState.Running);
        Assert.Contains(tasks, t => (t.Status?.Err ?? "").Contains("No such image") || (t.Status?.Err ?? "").Contains("no basic auth credentials"));
    }

    internal static async Task Until(Func<Task<bool>> condition, int seconds = 60)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException("the condition did not come true in time");
            await Task.Delay(300, Ct);
        }
    }
}
