using Microsoft.Data.Sqlite;
using ReleaseGate.Core.Deployments;

namespace ReleaseGate.Web.Tests;

/// <summary>The portal as its own process, killed with SIGKILL in the middle of a deployment, then started again.</summary>
public class KilledPortalTests : IDisposable
{
    private readonly string database = Path.Combine(Path.GetTempPath(), $"rg-killed-{Guid.NewGuid():N}.db");
    private readonly int testPort = MailSink.FreePort();
    private readonly string applications = Path.Combine(Path.GetTempPath(), $"rg-killed-{Guid.NewGuid():N}.yml");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private PortalProcess StartPortal() => PortalProcess.Start(new Dictionary<string, string>
    {
        ["ReleaseGate__Database__ConnectionString"] = $"Data Source={database}",
        ["ReleaseGate__TestEnvironment__DockerHost"] = Infra.DockerHost,
        ["ReleaseGate__Jenkins__KeyId"] = ApiPortal.KeyId,
        ["ReleaseGate__Jenkins__Applications"] = "*",
        ["ReleaseGate__Jenkins__Secret"] = ApiPortal.Secret,
        ["ReleaseGate__ApplicationsFile"] = applications,
    });

    private (string Phase, string? Progress, long Resumed) State(string id)
    {
        using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT Phase, Progress, (SELECT COUNT(*) FROM CandidateEvents WHERE CandidateId = $id AND Kind = 'DeployResumed') FROM Candidates WHERE Id = $id";
        command.Parameters.AddWithValue("$id", id.ToUpperInvariant());
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt64(2));
    }

    [Fact]
    public async Task A_deployment_killed_half_way_is_finished_after_the_next_start_with_one_container()
    {
        await File.WriteAllTextAsync(applications, $"""
            applications:
              - slug: killed-deploy
                stagingRepository: 127.0.0.1:5001/demo/slow
                productionRepository: 127.0.0.1:5002/killed-deploy
                swarmService: killed-deploy
                testEnvironment:
                  containerName: killed-deploy-test
                  publishedPort: {testPort}
                  healthTimeoutSeconds: 60
                  environmentVariables: {"{"} START_DELAY: "6" {"}"}
            """, Ct);
        string id;
        await using (var first = StartPortal())
        {
            await first.ReadyAsync(Ct, seconds: 60);
            var api = new ApiClient(new HttpClient { BaseAddress = first.Address }, ApiPortal.KeyId, ApiPortal.Secret);
            var response = await api.PostAsync("/api/v1/candidates", """
                {"application":"killed-deploy","image":"127.0.0.1:5001/demo/slow:v1","commit":"9fceb02d0ae598e95dc970b74767f19372d61af8",
                 "buildNumber":1,"buildUrl":"https://jenkins.example.com/job/killed/1/","submittedBy":"dev@example.com"}
                """);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
            id = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("id").GetString()!;

            var until = DateTime.UtcNow.AddSeconds(60);
            while (State(id).Progress?.StartsWith("Waiting for health") != true)
            {
                Assert.True(DateTime.UtcNow < until, $"never reached the health wait: {State(id)}");
                await Task.Delay(50, Ct);
            }
            await first.KillAsync(); // SIGKILL: no shutdown, no hand-back
        }
        Assert.Equal("Deploying", State(id).Phase);

        await using (var second = StartPortal())
        {
            await second.ReadyAsync(Ct, seconds: 60);
            var until = DateTime.UtcNow.AddSeconds(90);
            while (State(id).Phase == "Deploying")
            {
                Assert.True(DateTime.UtcNow < until, $"the deployment was not picked up again: {State(id)}");
                await Task.Delay(200, Ct);
            }
            var (phase, _, resumed) = State(id);
            Assert.Equal("AwaitingSignOff", phase);
            Assert.Equal(1, resumed);
            var containers = await TestContainers.OfAsync("killed-deploy");
            Assert.Equal(id, Assert.Single(containers).Labels[DeployCandidate.Labels.Candidate], ignoreCase: true);
        }
    }

    public void Dispose()
    {
        TestContainers.RemoveAsync(["killed-deploy"]).GetAwaiter().GetResult();
        SqliteConnection.ClearAllPools();
        foreach (var f in new[] { database, database + "-wal", database + "-shm", applications }) if (File.Exists(f)) File.Delete(f);
    }
}
