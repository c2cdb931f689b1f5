using System.Text.Json;
using Microsoft.Data.Sqlite;
using ReleaseGate.Core.Deployments;

namespace ReleaseGate.Web.Tests;

/// <summary>The portal as its own process, killed with SIGKILL in the middle of a development deployment, then started again.</summary>
public class KilledDevelopmentDeployTests : IDisposable
{
    private readonly string database = Path.Combine(Path.GetTempPath(), $"rg-killed-dev-{Guid.NewGuid():N}.db");
    private readonly string applications = Path.Combine(Path.GetTempPath(), $"rg-killed-dev-{Guid.NewGuid():N}.yml");
    private readonly string slug = $"killed-dev-{Guid.NewGuid():N}"[..18];
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private PortalProcess StartPortal() => PortalProcess.Start(new Dictionary<string, string>
    {
        ["ReleaseGate__Database__ConnectionString"] = $"Data Source={database}",
        ["ReleaseGate__TestEnvironment__DockerHost"] = Infra.DockerHost,
        ["ReleaseGate__Jenkins__KeyId"] = ApiPortal.KeyId,
        ["ReleaseGate__Jenkins__Secret"] = ApiPortal.Secret,
        ["ReleaseGate__Jenkins__Applications"] = "*",
        ["ReleaseGate__ApplicationsFile"] = applications,
    });

    private async Task<JsonElement> DevelopmentAsync(ApiClient api)
    {
        var response = await api.GetAsync($"/api/v1/applications/{slug}");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("development");
    }

    [Fact]
    public async Task A_development_deployment_killed_half_way_is_finished_after_the_next_start_with_one_container()
    {
        await File.WriteAllTextAsync(applications, $"""
            applications:
              - slug: {slug}
                stagingRepository: 127.0.0.1:5001/demo/slow
                productionRepository: 127.0.0.1:5002/{slug}
                swarmService: {slug}
                testEnvironment: {"{"} containerName: {slug}-test, publishedPort: {MailSink.FreePort()} {"}"}
                development:
                  containerName: {slug}-dev
                  publishedPort: {MailSink.FreePort()}
                  healthTimeoutSeconds: 60
                  environmentVariables: {"{"} START_DELAY: "6" {"}"}
            """, Ct);
        await using (var first = StartPortal())
        {
            await first.ReadyAsync(Ct, seconds: 60);
            var api = Api(first);
            var response = await api.PostAsync("/api/v1/development-deployments", $$"""
                {"application":"{{slug}}","image":"127.0.0.1:5001/demo/slow:v1","commit":"9fceb02d0ae598e95dc970b74767f19372d61af8",
                 "branch":"develop","buildNumber":7,"buildUrl":"https://jenkins.example.com/job/killed/7/"}
                """);
            Assert.Equal(202, (int)response.StatusCode);
            var until = DateTime.UtcNow.AddSeconds(60);
            while ((await DevelopmentAsync(api)).GetProperty("progress").GetString()?.StartsWith("Waiting for health") != true)
            {
                Assert.True(DateTime.UtcNow < until, $"never reached the health wait: {await DevelopmentAsync(api)}");
                await Task.Delay(50, Ct);
            }
            await first.KillAsync(); // SIGKILL: no shutdown, no hand-back
        }

        await using (var second = StartPortal())
        {
            await second.ReadyAsync(Ct, seconds: 60);
            var api = Api(second);
            Assert.Equal("Deploying", (await DevelopmentAsync(api)).GetProperty("state").GetString());
            var until = DateTime.UtcNow.AddSeconds(90);
            while ((await DevelopmentAsync(api)).GetProperty("state").GetString() == "Deploying")
            {
                Assert.True(DateTime.UtcNow < until, $"the deployment was not picked up again: {await DevelopmentAsync(api)}");
                await Task.Delay(200, Ct);
            }
            Assert.Equal("Running", (await DevelopmentAsync(api)).GetProperty("state").GetString());
            var container = Assert.Single(await TestContainers.OfAsync(slug));
            Assert.Equal("development", container.Labels[DeployCandidate.Labels.Environment]);
        }
    }

    private static ApiClient Api(PortalProcess portal) => new(new HttpClient { BaseAddress = portal.Address }, ApiPortal.KeyId, ApiPortal.Secret);

    public void Dispose()
    {
        TestContainers.RemoveAsync([slug]).GetAwaiter().GetResult();
        SqliteConnection.ClearAllPools();
        foreach (var f in new[] { database, database + "-wal", database + "-shm", applications }) if (File.Exists(f)) File.Delete(f);
    }
}
