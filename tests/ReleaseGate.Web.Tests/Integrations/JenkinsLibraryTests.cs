using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ReleaseGate.Web.Tests;

/// <summary>
/// The Jenkins library's change list (scripts/jenkins/changes.sh) against a stand-in for GET /api/v1/applications/{slug},
/// and the Jenkinsfile's develop stage against the real Docker engine as the dev host.
/// </summary>
public class JenkinsLibraryTests : IAsyncLifetime
{
    private readonly string workspace = Directory.CreateTempSubdirectory("rg-jenkins-lib-").FullName;
    private readonly List<string> commits = [];
    private WebApplication? portal;
    private Uri portalAddress = null!;
    private (int Status, string Body) answer = (404, "{}");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static string Scripts => Path.Combine(ReadmeTests.RepoRoot(), "scripts", "jenkins");

    public async ValueTask InitializeAsync()
    {
        // The endpoint belongs to the portal (DESIGN: production { version, digest, commit, releasedAt }); this stand-in
        // answers what each test needs. The client does not check answers' signatures, so any server will do.
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        portal = builder.Build();
        portal.MapGet("/api/v1/applications/{slug}", (string slug, HttpRequest request) =>
            request.Headers.ContainsKey("X-ReleaseGate-Signature")
                ? Results.Content(answer.Body, "application/json", statusCode: answer.Status)
                : Results.Unauthorized());
        await portal.StartAsync(Ct);
        portalAddress = new Uri(portal.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        Assert.Equal(0, (await RunAsync("git init -q . && git config user.email dev@example.com && git config user.name Dev")).Exit);
        for (var i = 1; i <= 25; i++)
        {
            await RunAsync($"git commit -q --allow-empty -m 'Change {i}'");
            commits.Add((await RunAsync("git rev-parse HEAD")).Out.Trim());
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (portal is not null) await portal.DisposeAsync();
        Directory.Delete(workspace, recursive: true);
    }

    [Fact]
    public async Task The_changes_are_the_commits_since_what_production_runs()
    {
        answer = (200, JsonSerializer.Serialize(new { slug = "orders", production = new { version = "1.4.1", digest = "sha256:" + new string('a', 64), commit = commits[21], releasedAt = "2026-11-29T10:00:00+00:00" } }));

        var run = await RunAsync($"{Scripts}/changes.sh --application orders --output .releasegate/changes.json");

        Assert.True(run.Exit == 0, run.Err);
        Assert.Equal(["Change 25", "Change 24", "Change 23"], Messages());
        Assert.Contains("since production's commit", run.Err);
    }

    public static TheoryData<int, string> NoProductionCommit() => new()
    {
        { 200, """{ "slug": "orders", "production": null }""" },
        { 200, """{ "slug": "orders", "production": { "version": "1.0.0", "commit": "0123456789abcdef0123456789abcdef01234567" } }""" },
        { 404, """{ "title": "Not Found" }""" },
        { 500, """{ "title": "Oops" }""" },
    };

    [Theory]
    [MemberData(nameof(NoProductionCommit))]
    public async Task Without_a_commit_of_production_in_the_clone_the_last_20_commits_are_sent(int status, string body)
    {
        answer = (status, body);

        var run = await RunAsync($"{Scripts}/changes.sh --application orders --output .releasegate/changes.json");

        Assert.True(run.Exit == 0, run.Err);
        Assert.Equal(Enumerable.Range(6, 20).Reverse().Select(i => $"Change {i}"), Messages());
        Assert.Contains("sending the last 20 commits", run.Err);
    }

    [Fact]
    public async Task A_develop_build_runs_on_the_dev_host_without_the_gate()
    {
        var listed = await RunAsync($"bash {Path.Combine(ReadmeTests.RepoRoot(), "tests", "jenkinsfile", "list.sh")}");
        Assert.True(listed.Exit == 0, listed.Err);
        var lines = listed.Out.Split('\n');
        Assert.Contains("WHEN\tDevelopment\tbranch develop", lines);
        var commands = lines.Where(l => l.StartsWith("SH\tDevelopment\t")).Select(l => l.Split('\t', 3)[2]).ToList();
        Assert.NotEmpty(commands);
        Assert.DoesNotContain(commands, c => c.Contains("releasegate.sh"));

        // What the Image stage leaves on the agent's engine: the build's image (the demo web image stands in).
        var name = $"rg-dev-{Guid.NewGuid():N}"[..16];
        var port = FreePort();
        var image = $"127.0.0.1:5001/releasegate/portal:{name}";
        var env = new Dictionary<string, string>
        {
            ["DOCKER_HOST"] = Infra.DockerHost, ["DEV_DOCKER_HOST"] = Infra.DockerHost, ["REGISTRY"] = "127.0.0.1:5001",
            ["BUILD_NUMBER"] = name, ["DEV_CONTAINER"] = name, ["DEV_PORT"] = port.ToString(),
        };
        Assert.Equal(0, (await RunAsync($"docker pull -q 127.0.0.1:5001/demo/web:v1 >/dev/null && docker tag 127.0.0.1:5001/demo/web:v1 {image}", env)).Exit);
        try
        {
            foreach (var command in commands.Concat(commands.Skip(1))) // twice: the next develop build replaces the last
            {
                var step = await RunAsync(command, env);
                Assert.True(step.Exit == 0, $"{command}\n{step.Out}\n{step.Err}");
            }
            using var http = new HttpClient();
            var deadline = DateTime.UtcNow.AddSeconds(30);
            HttpStatusCode? status = null;
            while (status != HttpStatusCode.OK && DateTime.UtcNow < deadline)
            {
                try { status = (await http.GetAsync($"http://127.0.0.1:{port}/", Ct)).StatusCode; }
                catch (HttpRequestException) { await Task.Delay(300, Ct); }
            }
            Assert.Equal(HttpStatusCode.OK, status);
        }
        finally
        {
            await RunAsync($"docker rm -f {name}; docker volume rm {name}-data; docker rmi {image}", env);
        }
    }

    private string[] Messages() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(workspace, ".releasegate", "changes.json"))).RootElement
            .EnumerateArray().Select(c => c.GetProperty("message").GetString()!).ToArray();

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task<(int Exit, string Out, string Err)> RunAsync(string command, Dictionary<string, string>? env = null)
    {
        var start = new ProcessStartInfo("bash", ["-c", command])
        {
            WorkingDirectory = workspace, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.Environment["RELEASEGATE_URL"] = portalAddress?.ToString().TrimEnd('/') ?? "";
        start.Environment["RELEASEGATE_KEY_ID"] = ApiPortal.KeyId;
        start.Environment["RELEASEGATE_SECRET"] = ApiPortal.Secret;
        start.Environment["RELEASEGATE_RETRIES"] = "1";
        foreach (var (k, v) in env ?? []) start.Environment[k] = v;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct).WaitAsync(TimeSpan.FromMinutes(3), Ct);
        return (process.ExitCode, await stdout, await stderr);
    }
}
