using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReleaseGate.Core.Applications;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Schedule;
using ReleaseGate.Core.SignOffs;
using ReleaseGate.Core.Users;
using ReleaseGate.Registry;

namespace ReleaseGate.Web.Tests;

/// <summary>
/// A portal whose application releases to the real Swarm: its own staging repository holding the test images under
/// v1, v2, v3 and "bad" (the crashing one), its own service name, short update delays and a 1 s stop grace period.
/// </summary>
public sealed class SwarmWorld : IAsyncDisposable
{
    public static readonly TimeSpan Finish = TimeSpan.FromSeconds(90);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly HttpClient Http = new();
    private static readonly RegistryClient Staging = new(Http, new RegistryEndpoint(new Uri("http://127.0.0.1:5001")));

    public ApiPortal Portal { get; } = new();
    public string Slug { get; } = $"rg-{Guid.NewGuid():N}"[..16];
    public string Rm => $"rm-{Slug}@example.com";
    public string Repository => $"127.0.0.1:5001/rollout/{Slug}";

    public static readonly Dictionary<string, (string Repository, Func<string> Digest)> Images = new()
    {
        ["v1"] = ("demo/web", () => Infra.WebV1Digest),
        ["v2"] = ("demo/web", () => Infra.WebV2Digest),
        ["v3"] = ("demo/slow", () => Infra.Get("RG_IMAGE_SLOW_V1_DIGEST")),
        ["bad"] = ("demo/crashing", () => Infra.Get("RG_IMAGE_CRASHING_V1_DIGEST")),
    };

    public static async Task<SwarmWorld> StartAsync(int replicas = 3, RolloutFailureAction onFailure = RolloutFailureAction.Rollback,
        Action<Application>? configure = null, int? smokeTimeoutSeconds = null, bool onSocket = false, Dictionary<string, string>? settings = null)
    {
        var world = new SwarmWorld();
        if (smokeTimeoutSeconds is { } smoke) world.Portal.Settings["ReleaseGate:Swarm:SmokeTimeoutSeconds"] = smoke.ToString();
        foreach (var (key, value) in settings ?? []) world.Portal.Settings[key] = value;
        if (onSocket)
        {
            // For clients outside the process (the Jenkins client): a real socket on 127.0.0.1.
            world.Portal.UseKestrel(o => o.Listen(System.Net.IPAddress.Loopback, 0));
            world.Portal.StartServer();
        }
        foreach (var (tag, (repository, digest)) in Images)
            await ImageCopy.CopyAsync(Staging, repository, Staging, $"rollout/{world.Slug}", digest(), tag, ct: Ct);
        await world.Portal.SeedDemoAsync(world.Slug, repository: $"rollout/{world.Slug}");
        await using (var db = world.Portal.CreateDb())
        {
            var app = await db.Applications.SingleAsync(a => a.Slug == world.Slug, Ct);
            app.Rollout = new RolloutPolicy { Parallelism = 1, DelaySeconds = 1, MonitorSeconds = 2, FailureAction = onFailure, TimeoutSeconds = 75 };
            app.Swarm = new SwarmServiceSpec { Replicas = replicas, StopGracePeriodSeconds = 1 };
            configure?.Invoke(app);
            await db.SaveChangesAsync(Ct);
        }
        await world.Portal.CreateUserAsync(world.Rm, Roles.ReleaseManager);
        // The QA whose approval ApprovedAsync records: the cutoff re-checks that they may still sign off.
        await world.Portal.CreateUserAsync("qa@example.com", Roles.QA);
        return world;
    }

    /// <summary>A candidate of the tag, Approved as QA would leave it (the test host is another part's business).</summary>
    public async Task<Guid> ApprovedAsync(string tag, string? digest = null)
    {
        await using var db = Portal.CreateDb();
        var app = await db.Applications.SingleAsync(a => a.Slug == Slug, Ct);
        var now = DateTimeOffset.UtcNow;
        var c = new Candidate
        {
            ApplicationId = app.Id, Version = tag, Digest = digest ?? Images[tag].Digest(), Commit = "9fceb02d0ae598e95dc970b74767f19372d61af8",
            SubmittedBy = "dev@example.com", RegisteredAt = now,
        };
        c.MoveTo(CandidatePhase.Deploying, now, "system", "test");
        c.MoveTo(CandidatePhase.AwaitingSignOff, now, "system", "test");
        c.SignOffs.Add(new SignOff { CandidateId = c.Id, Digest = c.Digest, User = "qa@example.com", Decision = SignOffDecision.Approve, At = now });
        c.MoveTo(CandidatePhase.Approved, now, "qa@example.com", "approved");
        db.Candidates.Add(c);
        await db.SaveChangesAsync(Ct);
        return c.Id;
    }

    /// <summary>Releases the approved candidate now, as a release manager would, and waits for where its rollout ends.</summary>
    public async Task<Candidate> ReleaseAsync(Guid id, params CandidatePhase[] until)
    {
        await ReleaseNowAsync();
        return await Portal.WaitForPhaseAsync(id, Finish, until.Length > 0 ? until
            : [CandidatePhase.Released, CandidatePhase.RolledBack, CandidatePhase.RolloutPaused, CandidatePhase.Errored]);
    }

    /// <summary>"Release now" by the release manager: the approved candidate is promoted and rolled out in the background.</summary>
    public async Task ReleaseNowAsync()
    {
        using var scope = Portal.Services.CreateScope();
        var now = await scope.ServiceProvider.GetRequiredService<ReleaseNow>().RunAsync(Slug, "test", Rm, ct: Ct);
        Assert.False(now.IsRefused, now.Refusal?.Message);
    }

    /// <summary>
    /// An image that works only where DATABASE_URL is set: it fails in production until the application's service
    /// settings are fixed, as images do that passed the test host. Built on web:v1 and pushed to this world's repository.
    /// </summary>
    public Task<string> NeedsDatabaseImageAsync() => BuildOnAsync("needs-db", $$"""
        FROM 127.0.0.1:5001/demo/web@{{Infra.WebV1Digest}}
        CMD ["/bin/sh", "-c", "test -n \"$DATABASE_URL\" || { echo 'FATAL: missing configuration DATABASE_URL' >&2; exit 1; }; exec /bin/httpd -f -p 8080 -h /www"]
        """);

    /// <summary>
    /// An image whose health check passes (web:v2's HEALTHCHECK on /health) but that no longer serves /index.html, the
    /// page the smoke URL asks for: Swarm sees a healthy update, only the smoke check can tell it is broken.
    /// </summary>
    public Task<string> SmokeFailingImageAsync() => BuildOnAsync("no-index", $"""
        FROM 127.0.0.1:5001/demo/web@{Infra.WebV2Digest}
        RUN ["/bin/rm", "/www/index.html"]
        """);

    /// <summary>Builds a Dockerfile (FROM a staging image) and pushes it to this world's repository under the tag; answers its digest.</summary>
    private async Task<string> BuildOnAsync(string tagName, string dockerfile)
    {
        var dir = Directory.CreateTempSubdirectory("rg-image").FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "Dockerfile"), dockerfile, Ct);
        var tag = $"{Repository}:{tagName}";
        await DockerCliAsync(dir, "build", "-q", "-t", tag, ".");
        await DockerCliAsync(dir, "push", tag);
        Directory.Delete(dir, true);
        return (await Staging.ResolveAsync($"rollout/{Slug}", tagName, Ct))!.Digest;
    }

    private static async Task DockerCliAsync(string dir, params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo("docker", args) { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["DOCKER_HOST"] = Infra.DockerHost;
        start.Environment["DOCKER_BUILDKIT"] = "0";
        using var p = System.Diagnostics.Process.Start(start)!;
        var output = p.StandardOutput.ReadToEndAsync(Ct);
        var error = p.StandardError.ReadToEndAsync(Ct);
        await p.WaitForExitAsync(Ct);
        if (p.ExitCode != 0) throw new InvalidOperationException($"docker {string.Join(" ", args)}: {await output} {await error}");
    }

    public async Task ConfigureAsync(Action<Application> change)
    {
        await using var db = Portal.CreateDb();
        var app = await db.Applications.SingleAsync(a => a.Slug == Slug, Ct);
        change(app);
        app.ConcurrencyToken = Guid.NewGuid();
        await db.SaveChangesAsync(Ct);
    }

    public async Task<T> UseAsync<T>(Func<IServiceProvider, Task<T>> use)
    {
        using var scope = Portal.Services.CreateScope();
        return await use(scope.ServiceProvider);
    }

    public DockerClient Engine() => new DockerClientBuilder().WithEndpoint(new Uri(Infra.DockerHost)).Build();

    /// <summary>The service's running tasks' images, as `docker service ps` lists them.</summary>
    public async Task<List<string>> RunningImagesAsync()
    {
        using var docker = Engine();
        var tasks = await docker.Tasks.ListAsync(new TasksListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["service"] = new Dictionary<string, bool> { [Slug] = true }, ["desired-state"] = new Dictionary<string, bool> { ["running"] = true } },
        }, Ct);
        return tasks.Where(t => t.Status?.State == TaskState.Running).Select(t => t.Spec!.ContainerSpec!.Image!).ToList();
    }

    /// <summary>When the container of the service's task on the digest started, as the engine reports it.</summary>
    public async Task<DateTimeOffset> ContainerStartedAsync(string digest)
    {
        using var docker = Engine();
        var tasks = await docker.Tasks.ListAsync(new TasksListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["service"] = new Dictionary<string, bool> { [Slug] = true } },
        }, Ct);
        var task = tasks.Where(t => t.Spec!.ContainerSpec!.Image!.EndsWith("@" + digest) && t.Status?.ContainerStatus?.ContainerID is { Length: > 0 })
            .OrderBy(t => t.CreatedAt).First();
        var container = await docker.Containers.InspectContainerAsync(task.Status!.ContainerStatus!.ContainerID!, Ct);
        return DateTimeOffset.Parse(container.State!.StartedAt!, System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        using (var docker = Engine())
        {
            try { await docker.Swarm.RemoveServiceAsync(Slug); }
            catch (DockerApiException) { /* never created */ }
        }
        await Portal.DisposeAsync();
    }
}
