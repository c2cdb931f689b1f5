using System.Diagnostics;
using System.Net.Http.Headers;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using ReleaseGate.Core.Deployments;
using ReleaseGate.Core.Users;
using ReleaseGate.Registry;

namespace ReleaseGate.E2E;

/// <summary>
/// The portal as an installation has it: its applications declared in an applications file, Jenkins wired by settings,
/// and the shipped Jenkins scripts (scripts/jenkins) run against it from a git clone the test makes. Two applications:
/// <see cref="Service"/> with a Swarm service, and <see cref="RegistryOnly"/> without one. Each has the demo web image
/// in its own staging repository, tagged <see cref="Version"/>.
/// </summary>
public class ShippedClientPortal : LivePortal
{
    public const string KeyId = "jenkins-e2e";
    public const string Secret = "a-long-secret-of-the-e2e-jenkins";
    public const string Version = "1.0.0";

    private readonly string suffix = Guid.NewGuid().ToString("N")[..8];
    private readonly string applicationsFile = Path.Combine(Path.GetTempPath(), $"rg-e2e-apps-{Guid.NewGuid():N}.yml");

    public string Service => $"gate-svc-{suffix}";
    public string RegistryOnly => $"gate-reg-{suffix}";
    public string Workspace { get; } = Directory.CreateTempSubdirectory("rg-e2e-clone-").FullName;
    public static string RepoRoot { get; } = FindRepoRoot();
    public string StagingImage(string slug) => $"127.0.0.1:5001/e2e/{slug}:{Version}";
    public static string Env(string name) => Environment.GetEnvironmentVariable(name)
        ?? File.ReadLines("/var/lib/releasegate-infra/infra.env").Select(l => l.Split('=', 2)).Single(p => p[0] == name)[1];

    public ShippedClientPortal()
    {
        // The file a team keeps in Git. The second application has no swarmService: it is released into the registry only.
        File.WriteAllText(applicationsFile, $$"""
            applications:
              - slug: {{Service}}
                displayName: Gate service
                stagingRepository: 127.0.0.1:5001/e2e/{{Service}}
                productionRepository: 127.0.0.1:5002/e2e/{{Service}}
                swarmService: {{Service}}
                testEnvironment: { containerName: {{Service}}-test, publishedPort: {{FreePort()}}, healthPath: /health, healthTimeoutSeconds: 60 }
              - slug: {{RegistryOnly}}
                displayName: Gate registry-only
                stagingRepository: 127.0.0.1:5001/e2e/{{RegistryOnly}}
                productionRepository: 127.0.0.1:5002/e2e/{{RegistryOnly}}
                testEnvironment: { containerName: {{RegistryOnly}}-test, publishedPort: {{FreePort()}}, healthPath: /health, healthTimeoutSeconds: 60 }
            """);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("ReleaseGate:ApplicationsFile", applicationsFile);
        builder.UseSetting("ReleaseGate:Jenkins:KeyId", KeyId);
        builder.UseSetting("ReleaseGate:Jenkins:Secret", Secret);
        builder.UseSetting("ReleaseGate:Jenkins:Applications", "*");
    }

    public override async ValueTask InitializeAsync()
    {
        // What the Image and Push stages leave in staging: the build's image under the application's repository.
        using (var http = new HttpClient())
        {
            var staging = new RegistryClient(http, new RegistryEndpoint(new Uri("http://127.0.0.1:5001")));
            foreach (var slug in new[] { Service, RegistryOnly })
                await ImageCopy.CopyAsync(staging, "demo/web", staging, $"e2e/{slug}", Env("RG_IMAGE_WEB_V1_DIGEST"), Version);
        }
        await base.InitializeAsync();
    }

    /// <summary>A command in the clone, with the Jenkins client's environment pointing at this portal.</summary>
    public async Task<(int Exit, string Out, string Err)> RunAsync(string command)
    {
        var start = new ProcessStartInfo("bash", ["-c", command])
        {
            WorkingDirectory = Workspace, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.Environment["RELEASEGATE_URL"] = Address.ToString().TrimEnd('/');
        start.Environment["RELEASEGATE_KEY_ID"] = KeyId;
        start.Environment["RELEASEGATE_SECRET"] = Secret;
        start.Environment["PATH"] = $"{Path.Combine(RepoRoot, "scripts", "jenkins")}:{Environment.GetEnvironmentVariable("PATH")}";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(4));
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs the command and fails the test with its output unless it exits 0; answers its stdout.</summary>
    public async Task<string> MustRunAsync(string command)
    {
        var run = await RunAsync(command);
        Assert.True(run.Exit == 0, $"{command}\nexit {run.Exit}\n{run.Out}\n{run.Err}");
        return run.Out;
    }

    /// <summary>
    /// Jenkins' release stage for <paramref name="slug"/> as the shipped scripts do it: the change list from the clone,
    /// the signed submit, then a wait until the candidate runs in test. Answers the candidate's id.
    /// </summary>
    public async Task<Guid> SubmitFromCloneAsync(string slug, int build)
    {
        var commit = (await MustRunAsync("git rev-parse HEAD")).Trim();
        await MustRunAsync($"changes.sh --application {slug} --output .releasegate/changes-{build}.json");
        var id = Guid.Parse((await MustRunAsync($"releasegate.sh submit --application {slug} --image {StagingImage(slug)} --commit {commit} " +
            $"--branch release --build-number {build} --build-url https://jenkins.example.com/job/{slug}/{build}/ " +
            $"--submitted-by 'Dev Builder <dev.builder@example.com>' --changes-file .releasegate/changes-{build}.json --print-id")).Trim());
        await MustRunAsync($"releasegate.sh wait --candidate {id} --phase AwaitingSignOff --timeout 120 --interval 1");
        return id;
    }

    /// <summary>A personal access token of the account, as its owner would make one on the account page.</summary>
    public async Task<HttpClient> ApiAsAsync(string email)
    {
        using var scope = Services.CreateScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<CreateToken>().RunAsync(email, email, "e2e", null, ReleaseGate.Core.Access.TokenScopes.Legacy);
        var client = new HttpClient { BaseAddress = Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", outcome.Value?.Token ?? throw new InvalidOperationException(outcome.Refusal!.Message));
        return client;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        using var docker = new DockerClientBuilder().WithEndpoint(new Uri(Env("DOCKER_HOST"))).Build();
        foreach (var slug in new[] { Service, RegistryOnly })
        {
            var containers = await docker.Containers.ListContainersAsync(new ContainersListParameters
            {
                All = true,
                Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{DeployCandidate.Labels.Application}={slug}"] = true } },
            });
            foreach (var c in containers)
                await docker.Containers.RemoveContainerAsync(c.ID, new ContainerRemoveParameters { Force = true });
        }
        File.Delete(applicationsFile);
        Directory.Delete(Workspace, recursive: true);
    }

    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ReleaseGate.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("ReleaseGate.sln not found above " + AppContext.BaseDirectory);
    }
}
