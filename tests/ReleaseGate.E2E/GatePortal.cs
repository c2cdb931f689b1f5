using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using ReleaseGate.Registry;

namespace ReleaseGate.E2E;

/// <summary>
/// The portal in this process, set up only through what it ships: applications from the applications file, people and
/// their tokens from <c>releasegate admin</c>, candidates registered by the Jenkins client script (then deployed on the
/// test engine for real), sign-offs and "release now" through the people's API. Releases go to the real Swarm.
/// </summary>
public sealed class GatePortal : LivePortal
{
    public const string KeyId = "e2e-jenkins";
    public const string Secret = "e2e-jenkins-signing-secret-0123456789";
    public const string Qa = "qa@gate.example";
    public const string Rm = "rm@gate.example";
    public const string Password = "Gate-pass-1234";
    public static readonly string[] Final = ["Released", "RolledBack", "RolloutPaused", "Errored", "DeployFailed", "Rejected", "Superseded"];
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly string run = Guid.NewGuid().ToString("N")[..6];
    private readonly string database = Path.Combine(Path.GetTempPath(), $"rg-gate-{Guid.NewGuid():N}.db");
    private readonly string applicationsFile = Path.Combine(Path.GetTempPath(), $"rg-gate-{Guid.NewGuid():N}.yml");
    private string qaToken = "", rmToken = "";

    /// <summary>Released through the chain (web v1 as 1.0.0, web v2 as 1.1.0); a failed rollout rolls back.</summary>
    public string Restoring => $"gr{run}";
    /// <summary>Awaits QA with web v1 as 1.0.0.</summary>
    public string Rejecting => $"gj{run}";
    /// <summary>Swarm pauses on failure; 1.1.0 runs on the test host but exits in production (no DATABASE_URL there); 30 s timeout.</summary>
    public string[] Pausing => [$"gp{run}", $"gb{run}"];
    private IEnumerable<string> All => [Restoring, Rejecting, .. Pausing];

    public static string Env(string name) => Environment.GetEnvironmentVariable(name)
        ?? File.ReadLines("/var/lib/releasegate-infra/infra.env").Select(l => l.Split('=', 2)).Single(p => p[0] == name)[1];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("ReleaseGate:Database:ConnectionString", $"Data Source={database}");
        builder.UseSetting("ReleaseGate:ApplicationsFile", applicationsFile);
        builder.UseSetting("ReleaseGate:Jenkins:KeyId", KeyId);
        builder.UseSetting("ReleaseGate:Jenkins:Secret", Secret);
        builder.UseSetting("ReleaseGate:Jenkins:Applications", "*");
        builder.UseSetting("ReleaseGate:Smtp:Port", PortalProcess.FreePort().ToString()); // nobody listens: mail waits, harmlessly
    }

    public override async ValueTask InitializeAsync()
    {
        var took = Stopwatch.StartNew();
        await PushImagesAsync();
        Console.WriteLine($"gate portal: images pushed in {took.ElapsedMilliseconds} ms");
        var yaml = new StringBuilder("applications:\n");
        foreach (var slug in All)
        {
            var pausing = Pausing.Contains(slug);
            yaml.Append($"""
                  - slug: {slug}
                    stagingRepository: 127.0.0.1:5001/gate/{slug}
                    productionRepository: 127.0.0.1:5002/gate/{slug}
                    swarmService: {slug}
                    testEnvironment:
                      containerName: {slug}-test
                      publishedPort: {PortalProcess.FreePort()}
                      healthTimeoutSeconds: 60
                      environmentVariables: {"{"} DATABASE_URL: "postgres://test/orders" {"}"}
                    rollout: {"{"} parallelism: 1, delaySeconds: 0, monitorSeconds: 2, failureAction: {(pausing ? "Pause" : "Rollback")}, timeoutSeconds: {(pausing ? 30 : 180)} {"}"}
                    swarm: {"{"} replicas: 1, stopGracePeriodSeconds: 1 {"}"}

                """);
        }
        await File.WriteAllTextAsync(applicationsFile, yaml.ToString(), Ct);
        await base.InitializeAsync();
        Console.WriteLine($"gate portal: started at {took.ElapsedMilliseconds} ms");
        var passwordFile = applicationsFile + ".password";
        await File.WriteAllTextAsync(passwordFile, Password + "\n", Ct);
        await AdminAsync("create-user", "--email", Qa, "--roles", "QA", "--password-file", passwordFile);
        await AdminAsync("create-user", "--email", Rm, "--roles", "ReleaseManager", "--password-file", passwordFile);
        File.Delete(passwordFile);
        qaToken = await AdminAsync("create-token", "--email", Qa, "--name", "e2e", "--scopes", "read,sign-off");
        rmToken = await AdminAsync("create-token", "--email", Rm, "--name", "e2e", "--scopes", "read,sign-off,release");
        Console.WriteLine($"gate portal: people and tokens ready at {took.ElapsedMilliseconds} ms");
    }

    /// <summary>What Jenkins pushes to staging: web v1/v2 as 1.0.0/1.1.0, and for the pausing ones an image that needs DATABASE_URL.</summary>
    private async Task PushImagesAsync()
    {
        var staging = new RegistryClient(Http, new RegistryEndpoint(new Uri("http://127.0.0.1:5001")));
        foreach (var slug in All)
        {
            await ImageCopy.CopyAsync(staging, "demo/web", staging, $"gate/{slug}", Env("RG_IMAGE_WEB_V1_DIGEST"), "1.0.0", ct: Ct);
            if (!Pausing.Contains(slug)) await ImageCopy.CopyAsync(staging, "demo/web", staging, $"gate/{slug}", Env("RG_IMAGE_WEB_V2_DIGEST"), "1.1.0", ct: Ct);
        }
        var dir = Directory.CreateTempSubdirectory("rg-gate-image").FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "Dockerfile"), $$"""
            FROM 127.0.0.1:5001/demo/web@{{Env("RG_IMAGE_WEB_V1_DIGEST")}}
            CMD ["/bin/sh", "-c", "test -n \"$DATABASE_URL\" || { echo 'FATAL: missing configuration DATABASE_URL' >&2; exit 1; }; exec /bin/httpd -f -p 8080 -h /www"]
            """, Ct);
        var tag = $"127.0.0.1:5001/gate/{Pausing[0]}:1.1.0";
        await RunAsync(dir, "docker", ["build", "-q", "-t", tag, "."], new() { ["DOCKER_BUILDKIT"] = "0" });
        await RunAsync(dir, "docker", ["push", "-q", tag]);
        Directory.Delete(dir, true);
        var digest = (await staging.ResolveAsync($"gate/{Pausing[0]}", "1.1.0", Ct))!.Digest;
        await ImageCopy.CopyAsync(staging, $"gate/{Pausing[0]}", staging, $"gate/{Pausing[1]}", digest, "1.1.0", ct: Ct);
    }

    private static async Task<string> RunAsync(string dir, string file, string[] args, Dictionary<string, string>? env = null)
    {
        var start = new ProcessStartInfo(file, args) { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["DOCKER_HOST"] = Env("DOCKER_HOST");
        foreach (var (k, v) in env ?? []) start.Environment[k] = v;
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync(Ct);
        var stderr = p.StandardError.ReadToEndAsync(Ct);
        await p.WaitForExitAsync(Ct).WaitAsync(TimeSpan.FromMinutes(3), Ct);
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {p.ExitCode}: {await stderr}");
        return (await stdout).Trim();
    }

    /// <summary><c>releasegate admin …</c> (the portal's own program) on this portal's database; answers what it printed.</summary>
    public Task<string> AdminAsync(params string[] args) => RunAsync(AppContext.BaseDirectory, "dotnet",
        [Path.Combine(AppContext.BaseDirectory, "ReleaseGate.Web.dll"), "admin", .. args],
        // The same settings as the portal, as in one container: without the Jenkins ones its start would retire that integration.
        new()
        {
            ["ReleaseGate__Database__ConnectionString"] = $"Data Source={database}", ["ReleaseGate__ApplicationsFile"] = applicationsFile,
            ["ReleaseGate__Jenkins__KeyId"] = KeyId, ["ReleaseGate__Jenkins__Secret"] = Secret, ["ReleaseGate__Jenkins__Applications"] = "*",
        });

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir.FullName, "ReleaseGate.sln"))) dir = dir.Parent!;
        return dir.FullName;
    }

    /// <summary>The Jenkins client script, as the pipeline calls it; answers the candidate's id.</summary>
    public Task<string> SubmitAsync(string slug, string version, int build) => RunAsync(RepositoryRoot(), "bash",
        [Path.Combine(RepositoryRoot(), "scripts/jenkins/releasegate.sh"), "submit", "--application", slug, "--image", $"127.0.0.1:5001/gate/{slug}:{version}",
         "--commit", "9fceb02d0ae598e95dc970b74767f19372d61af8", "--build-number", build.ToString(), "--build-url", $"https://jenkins.example.com/job/{slug}/{build}/",
         "--submitted-by", "dev@gate.example", "--print-id"],
        new() { ["RELEASEGATE_URL"] = Address.ToString(), ["RELEASEGATE_KEY_ID"] = KeyId, ["RELEASEGATE_SECRET"] = Secret });

    /// <summary>A person's call to the people's API with their token; answers the status and the body.</summary>
    public async Task<(int Status, JsonElement Body)> CallAsync(HttpMethod method, string path, string? json = null, bool asQa = false)
    {
        using var request = new HttpRequestMessage(method, new Uri(Address, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", asQa ? qaToken : rmToken);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await Http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>Waits (polling the API) until the candidate is in one of <paramref name="phases"/>; answers its JSON.</summary>
    public async Task<JsonElement> WaitAsync(string id, string[] phases, int seconds = 150)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var (_, c) = await CallAsync(HttpMethod.Get, $"/api/v1/candidates/{id}");
            var phase = c.GetProperty("phase").GetString()!;
            if (phases.Contains(phase)) return c;
            if (DateTime.UtcNow > until) throw new TimeoutException($"{id} stayed {phase}; waited for {string.Join(",", phases)}");
            await Task.Delay(250, Ct);
        }
    }

    /// <summary>Registered, deployed on the test host, approved by QA: answers the candidate's id once it is Approved.</summary>
    public async Task<string> ApprovedAsync(string slug, string version, int build)
    {
        var id = await SubmitAsync(slug, version, build);
        var c = await WaitAsync(id, ["AwaitingSignOff", .. Final]);
        Assert.True(c.GetProperty("phase").GetString() == "AwaitingSignOff", c.ToString());
        var (status, body) = await CallAsync(HttpMethod.Post, $"/api/v1/candidates/{id}/approvals", $$"""{"digest":"{{c.GetProperty("digest").GetString()}}"}""", asQa: true);
        Assert.True(status == 201, body.ToString());
        return id;
    }

    /// <summary>The whole chain for one version: approved, released now by the release manager; answers the phase it ends in.</summary>
    public async Task<(string Id, string Phase)> ReleaseAsync(string slug, string version, int build)
    {
        var id = await ApprovedAsync(slug, version, build);
        var (status, body) = await CallAsync(HttpMethod.Post, $"/api/v1/applications/{slug}/release-now", """{"reason":"browser test"}""");
        Assert.True(status == 202, body.ToString());
        return (id, (await WaitAsync(id, Final)).GetProperty("phase").GetString()!);
    }

    public static DockerClient Engine() => new DockerClientBuilder().WithEndpoint(new Uri(Env("DOCKER_HOST"))).Build();

    /// <summary>The images the service's running tasks run, as `docker service ps` lists them.</summary>
    public static async Task<List<string>> RunningImagesAsync(string service)
    {
        using var docker = Engine();
        var tasks = await docker.Tasks.ListAsync(new TasksListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["service"] = new Dictionary<string, bool> { [service] = true }, ["desired-state"] = new Dictionary<string, bool> { ["running"] = true },
            },
        }, Ct);
        return tasks.Where(t => t.Status?.State == TaskState.Running).Select(t => t.Spec!.ContainerSpec!.Image!).ToList();
    }

    /// <summary>Polls the engine until every running task of <paramref name="service"/> runs <paramref name="digest"/>.</summary>
    public static async Task RunsAsync(string service, string digest, int seconds = 90)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (await RunningImagesAsync(service) is var images && (images.Count == 0 || !images.All(i => i.EndsWith("@" + digest))))
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"{service} runs [{string.Join(", ", images)}], not {digest}");
            await Task.Delay(300, Ct);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        using (var docker = Engine())
            foreach (var slug in All)
            {
                try { await docker.Swarm.RemoveServiceAsync(slug); } catch (DockerApiException) { /* never released */ }
                try { await docker.Containers.RemoveContainerAsync($"{slug}-test", new ContainerRemoveParameters { Force = true }); } catch (DockerApiException) { }
            }
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { database, database + "-wal", database + "-shm", applicationsFile })
            if (File.Exists(file)) File.Delete(file);
    }
}

/// <summary>One <see cref="GatePortal"/> for every browser test of the whole chain: its images, people and start are paid once.</summary>
[CollectionDefinition(Name)]
public sealed class GateCollection : ICollectionFixture<GatePortal>
{
    public const string Name = "gate";
}
