using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Docker.DotNet.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ReleaseGate.Core.Applications;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Releases;
using ReleaseGate.Core.Users;
using ReleaseGate.Web.Adapters.Swarm;
using ReleaseGate.Web.Applications;
using ReleaseGate.Web.Settings;

namespace ReleaseGate.Web.Tests;

/// <summary>
/// Secret variables (<c>{ fromEnvironment: NAME }</c>) against the real engine and Swarm: the value reaches the test
/// container and, on the Swarm, a Docker secret; it is never in the service spec, the API, a page or the audit trail.
/// </summary>
public class SecretVariablesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A portal variable of this test's own, with a value nobody could guess.</summary>
    private static (string Name, string Value) NewSecret()
    {
        var name = $"RG_TEST_SECRET_{Guid.NewGuid():N}"[..30].ToUpperInvariant();
        var value = $"s3cr3t-{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(name, value);
        return (name, value);
    }

    [Fact]
    public void The_applications_file_reads_fromEnvironment_as_a_reference_and_names_the_line_of_a_bad_one()
    {
        var file = Path.Combine(Path.GetTempPath(), $"rg-secrets-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, """
            applications:
              - slug: shop
                stagingRepository: 127.0.0.1:5001/shop
                productionRepository: 127.0.0.1:5002/shop
                swarmService: shop
                testEnvironment:
                  containerName: shop-test
                  publishedPort: 18123
                  environmentVariables:
                    MODE: test
                    API_TOKEN: { fromEnvironment: SHOP_API_TOKEN }
                swarm:
                  environmentVariables:
                    DB_PASSWORD: { fromEnvironment: SHOP_DB_PASSWORD }
            """);
        try
        {
            var app = Assert.Single(ApplicationsFile.Read(file));
            Assert.Equal("test", app.TestEnvironment.EnvironmentVariables["MODE"]);
            Assert.True(SecretVariable.TryParse(app.TestEnvironment.EnvironmentVariables["API_TOKEN"], out var name) && name == "SHOP_API_TOKEN");
            Assert.Equal([("testEnvironment", "API_TOKEN", "SHOP_API_TOKEN"), ("swarm", "DB_PASSWORD", "SHOP_DB_PASSWORD")], SecretVariable.Of(app));

            File.WriteAllText(file, File.ReadAllText(file).Replace("SHOP_DB_PASSWORD", "not a name"));
            var bad = Assert.Throws<ApplicationsFileException>(() => ApplicationsFile.Read(file));
            Assert.Contains($"{file}:14: DB_PASSWORD.fromEnvironment must name an environment variable", bad.Message);
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public async Task A_secret_reaches_the_test_container_and_the_api_page_and_audit_tell_only_set_or_missing()
    {
        var (name, value) = NewSecret();
        var (absent, _) = ($"RG_TEST_ABSENT_{Guid.NewGuid():N}"[..30].ToUpperInvariant(), 0);
        using var portal = new PeoplePortal();
        portal.Mail.Start();
        var slug = $"secret-{Guid.NewGuid():N}"[..16];
        await portal.SeedDemoAsync(slug, environment: new() { ["MODE"] = "test", ["API_TOKEN"] = SecretVariable.Reference(name) });
        var id = await portal.RegisterAsync(slug, "127.0.0.1:5001/demo/web:v1", 1);
        var candidate = await portal.WaitForPhaseAsync(id, TimeSpan.FromSeconds(90), CandidatePhase.AwaitingSignOff, CandidatePhase.DeployFailed);
        Assert.Equal(CandidatePhase.AwaitingSignOff, candidate.Phase);

        // The container has the value: that is what it is for.
        using var docker = TestContainers.Engine();
        var container = await docker.Containers.InspectContainerAsync(Assert.Single(await TestContainers.OfAsync(slug)).ID, Ct);
        Assert.Contains($"API_TOKEN={value}", container.Config!.Env!);
        Assert.Contains("MODE=test", container.Config.Env);

        // The API says where the secret comes from and whether it is there; the admin page too; neither has the value.
        var viewer = portal.As(await portal.PersonWithTokenAsync($"viewer.{slug}@example.com", Roles.Viewer));
        var api = await (await viewer.GetAsync($"/api/v1/applications/{slug}", Ct)).Content.ReadAsStringAsync(Ct);
        var secret = Assert.Single(JsonDocument.Parse(api).RootElement.GetProperty("secretVariables").EnumerateArray());
        Assert.Equal(("testEnvironment", "API_TOKEN", name, "set"), (secret.GetProperty("where").GetString(), secret.GetProperty("variable").GetString(),
            secret.GetProperty("fromEnvironment").GetString(), secret.GetProperty("state").GetString()));
        await using (var db = portal.CreateDb())
        {
            var app = db.Applications.Single(a => a.Slug == slug);
            app.TestEnvironment.EnvironmentVariables["OTHER"] = SecretVariable.Reference(absent);
            db.Applications.Update(app);
            await db.SaveChangesAsync(Ct);
        }
        var admin = portal.CreateBrowserLikeClient();
        await SignIn.PostAsync(admin, PortalFactory.AdminEmail, PortalFactory.AdminPassword);
        var appId = portal.CreateDb().Applications.Single(a => a.Slug == slug).Id;
        var page = await admin.GetStringAsync($"/applications/{appId}", Ct);
        Assert.Contains($"data-variable=\"API_TOKEN\" data-state=\"set\"", page);
        Assert.Contains($"data-variable=\"OTHER\" data-state=\"missing\"", page);
        var audit = await (await portal.As(await portal.TokenForAsync(PortalFactory.AdminEmail)).GetAsync("/api/v1/audit?format=jsonl", Ct)).Content.ReadAsStringAsync(Ct);
        Assert.NotEmpty(audit);
        foreach (var (what, text) in new[] { ("API", api), ("page", page), ("audit", audit), ("database", DatabaseSnapshot.Take(portal.DatabasePath)) })
            Assert.False(text.Contains(value, StringComparison.Ordinal), $"the {what} holds the secret's value");
        await TestContainers.RemoveAsync([slug]);
    }

    [Fact]
    public async Task On_the_swarm_a_secret_is_a_docker_secret_the_portal_makes_and_never_a_value_in_the_spec()
    {
        var (name, value) = NewSecret();
        var service = $"rg-secret-{Guid.NewGuid():N}"[..20];
        using var swarm = new SwarmEngine(Options.Create(new SwarmSettings { DockerHost = Infra.DockerHost }), Options.Create(new RegistriesSettings()));
        using var docker = TestContainers.Engine();
        var spec = new SwarmServiceSpec { Replicas = 1, StopGracePeriodSeconds = 1,
            EnvironmentVariables = new() { ["MODE"] = "prod", ["API_TOKEN"] = SecretVariable.Reference(name) } };
        try
        {
            await swarm.StartAsync(new ServiceDeployment(service, $"127.0.0.1:5001/demo/web@{Infra.WebV1Digest}", new RolloutPolicy(), spec), Ct);

            var inspected = await docker.Swarm.InspectServiceAsync(service, Ct);
            var container = inspected.Spec!.TaskTemplate!.ContainerSpec!;
            var reference = Assert.Single(container.Secrets!);
            Assert.StartsWith($"{service}_API_TOKEN_", reference.SecretName);
            Assert.Equal("API_TOKEN", reference.File!.Name);
            Assert.Equal(["MODE=prod", "API_TOKEN_FILE=/run/secrets/API_TOKEN"], container.Env);
            Assert.DoesNotContain(value, JsonSerializer.Serialize(inspected));

            // The running task reads the value from the secret's file.
            string? read = null;
            await RolloutFailureTests.Until(async () =>
            {
                var tasks = await docker.Containers.ListContainersAsync(new Docker.DotNet.Models.ContainersListParameters
                {
                    Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"com.docker.swarm.service.name={service}"] = true } },
                }, Ct);
                if (tasks.Count == 0) return false;
                read = await CatAsync(tasks[0].ID, "/run/secrets/API_TOKEN");
                return read.Length > 0;
            }, 60);
            Assert.Equal(value, read);

            // The same value again is the same secret; a changed one is a new secret (Swarm secrets never change).
            Environment.SetEnvironmentVariable(name, value + "-rotated");
            await swarm.ResumeAsync(new ServiceDeployment(service, $"127.0.0.1:5001/demo/web@{Infra.WebV1Digest}", new RolloutPolicy(), spec), Ct);
            var rotated = Assert.Single((await docker.Swarm.InspectServiceAsync(service, Ct)).Spec!.TaskTemplate!.ContainerSpec!.Secrets!);
            Assert.NotEqual(reference.SecretName, rotated.SecretName);
        }
        finally
        {
            try { await docker.Swarm.RemoveServiceAsync(service, CancellationToken.None); } catch (Docker.DotNet.DockerApiException) { }
            // A secret still used by a task going away is refused for a moment: try until the service is gone.
            await RolloutFailureTests.Until(async () =>
            {
                foreach (var s in (await docker.Secrets.ListAsync()).Where(s => s.Spec!.Name!.StartsWith(service + "_")))
                    try { await docker.Secrets.DeleteAsync(s.ID); } catch (Docker.DotNet.DockerApiException) { return false; }
                return true;
            }, 30);
        }
    }

    private static async Task<string> CatAsync(string container, string path)
    {
        var start = new ProcessStartInfo("docker", ["-H", Infra.DockerHost, "exec", container, "cat", path]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? output : "";
    }

    [Fact]
    public async Task A_secret_missing_from_the_environment_at_start_is_one_line_and_exit_2()
    {
        var absent = $"RG_TEST_ABSENT_{Guid.NewGuid():N}"[..30].ToUpperInvariant();
        var file = Path.Combine(Path.GetTempPath(), $"rg-missing-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, $$"""
            applications:
              - slug: shop
                stagingRepository: 127.0.0.1:5001/shop
                productionRepository: 127.0.0.1:5002/shop
                swarmService: shop
                testEnvironment: { containerName: shop-test, publishedPort: 18124, environmentVariables: { API_TOKEN: { fromEnvironment: {{absent}} } } }
            """);
        var database = Path.Combine(Path.GetTempPath(), $"rg-missing-{Guid.NewGuid():N}.db");
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "ReleaseGate.Web.dll")])
        {
            WorkingDirectory = AppContext.BaseDirectory, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{PortalProcess.FreePort()}";
        start.Environment["ReleaseGate__Database__ConnectionString"] = $"Data Source={database}";
        start.Environment["ReleaseGate__ApplicationsFile"] = file;
        try
        {
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync(Ct);
            _ = process.StandardOutput.ReadToEndAsync(Ct);
            await process.WaitForExitAsync(Ct).WaitAsync(TimeSpan.FromSeconds(60), Ct);
            Assert.Equal(2, process.ExitCode);
            var line = Assert.Single((await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains($"shop testEnvironment.API_TOKEN reads {absent} (or {absent}_FILE), which is not set", line);
        }
        finally
        {
            File.Delete(file);
            foreach (var f in new[] { database, database + "-wal", database + "-shm" }) if (File.Exists(f)) File.Delete(f);
        }
    }
}
