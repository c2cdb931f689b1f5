using System.Diagnostics;
using Microsoft.Data.Sqlite;
using ReleaseGate.Core.Deployments;

namespace ReleaseGate.Web.Tests;

/// <summary>The portal as its own process, killed with SIGKILL in the middle of a deployment, then started again.</summary>
public class KilledPortalTests : IDisposable
{
    private readonly string database = Path.Combine(Path.GetTempPath(), $"rg-killed-{Guid.NewGuid():N}.db");
    private readonly int port = MailSink.FreePort();
    private readonly int testPort = MailSink.FreePort();
    private readonly string applications = Path.Combine(Path.GetTempPath(), $"rg-killed-{Guid.NewGuid():N}.yml");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Process StartPortal()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "ReleaseGate.Web.dll");
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = AppContext.BaseDirectory, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["ReleaseGate__Database__ConnectionString"] = $"Data Source={database}";
        start.Environment["ReleaseGate__TestEnvironment__DockerHost"] = Infra.DockerHost;
        start.Environment["ReleaseGate__Jenkins__KeyId"] = ApiPortal.KeyId;
        start.Environment["ReleaseGate__Jenkins__Secret"] = ApiPortal.Secret;
        start.Environment["ReleaseGate__ApplicationsFile"] = applications;
        start.Environment["ReleaseGate__Smtp__Port"] = MailSink.FreePort().ToString(); // nobody listens: mail waits, harmlessly
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task<HttpClient> ReadyAsync()
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var until = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < until)
        {
            try { if ((await http.GetAsync("/readyz", Ct)).IsSuccessStatusCode) return http; }
            catch (HttpRequestException) { }
            await Task.Delay(200, Ct);
        }
        throw new TimeoutException("the portal did not become ready");
    }

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
        var first = StartPortal();
        string id;
        try
        {
            var api = new ApiClient(await ReadyAsync(), ApiPortal.KeyId, ApiPortal.Secret);
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
        }
        finally
        {
            first.Kill(entireProcessTree: true); // SIGKILL: no shutdown, no hand-back
            await first.WaitForExitAsync(Ct);
        }
        Assert.Equal("Deploying", State(id).Phase);

        var second = StartPortal();
        try
        {
            await ReadyAsync();
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
        finally
        {
            second.Kill(entireProcessTree: true);
            await second.WaitForExitAsync(Ct);
        }
    }

    public void Dispose()
    {
        TestContainers.RemoveAsync(["killed-deploy"]).GetAwaiter().GetResult();
        SqliteConnection.ClearAllPools();
        foreach (var f in new[] { database, database + "-wal", database + "-shm", applications }) if (File.Exists(f)) File.Delete(f);
    }
}
