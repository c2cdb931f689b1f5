using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using ReleaseGate.Core.Candidates;

namespace ReleaseGate.Web.Tests;

/// <summary>
/// The develop branch as the team's flow has it, run from the SHIPPED Jenkinsfile: its Push and Development stages' sh
/// commands (listed by tests/jenkinsfile) against a portal on a real socket, the real staging registry and the real engine;
/// the application is declared in an applications file with a development block beside its test environment.
/// </summary>
public class DevelopStageTests : IAsyncLifetime
{
    private readonly ApiPortal portal = new();
    private readonly string workspace = Directory.CreateTempSubdirectory("rg-develop-").FullName;
    private readonly string slug = $"dev-{Guid.NewGuid():N}"[..16];
    private readonly int testPort = MailSink.FreePort(), devPort = MailSink.FreePort();
    // Build numbers of this run: unique tags in the shared staging repository the Jenkinsfile pushes to.
    private readonly int build = Random.Shared.Next(100_000, 900_000);
    private readonly List<string> tags = [];
    private Uri address = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string Repository = "127.0.0.1:5001/releasegate/portal";

    public async ValueTask InitializeAsync()
    {
        var file = Path.Combine(workspace, "applications.yml");
        await File.WriteAllTextAsync(file, $"""
            applications:
              - slug: {slug}
                stagingRepository: {Repository}
                productionRepository: 127.0.0.1:5002/{slug}
                swarmService: {slug}
                teamEmails: [team@example.com]
                testEnvironment: {"{"} containerName: {slug}-test, publishedPort: {testPort}, healthPath: /health {"}"}
                development: {"{"} containerName: {slug}-dev, publishedPort: {devPort}, healthPath: /health, healthTimeoutSeconds: 10 {"}"}
            """, Ct);
        portal.Settings["ReleaseGate:ApplicationsFile"] = file;
        portal.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        portal.StartServer();
        address = new Uri(portal.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        portal.Mail.Start();
    }

    public async ValueTask DisposeAsync()
    {
        portal.Dispose();
        await TestContainers.RemoveAsync([slug]);
        foreach (var tag in tags) await RunAsync($"docker rmi -f {Repository}:{tag} >/dev/null 2>&1");
        Directory.Delete(workspace, recursive: true);
    }

    [Fact]
    public async Task The_develop_stage_deploys_the_build_to_its_development_port_and_the_newest_build_wins()
    {
        var stages = await StagesAsync();
        await PushAsync(stages, build, "demo/web:v1");

        var first = await DevelopAsync(stages, build);
        Assert.True(first.Exit == 0, first.Err);
        Assert.Equal(HttpStatusCode.OK, await AnswerAsync(devPort));
        var development = await DevelopmentAsync();
        Assert.Equal(("Running", Infra.WebV1Digest, $"http://127.0.0.1:{devPort}/"),
            (development.GetProperty("state").GetString(), development.GetProperty("digest").GetString(), development.GetProperty("url").GetString()));

        // The release path stays apart: no candidate was made, and a candidate's test deployment leaves the development container be.
        Assert.Equal(0, (await JsonAsync($"/api/v1/candidates?application={slug}")).GetProperty("total").GetInt32());
        var candidate = await portal.RegisterAsync(slug, $"{Repository}:{build}", build);
        await portal.WaitForPhaseAsync(candidate, TimeSpan.FromSeconds(60), CandidatePhase.AwaitingSignOff);
        Assert.Equal(HttpStatusCode.OK, await AnswerAsync(testPort));
        Assert.Equal(HttpStatusCode.OK, await AnswerAsync(devPort));
        Assert.Equal(2, (await TestContainers.OfAsync(slug)).Count);

        // A newer build replaces it; an older one arriving late afterwards changes nothing and does not fail its build.
        await PushAsync(stages, build + 1, "demo/web:v2");
        await PushAsync(stages, build - 1, "demo/web:v1");
        var newer = await DevelopAsync(stages, build + 1);
        Assert.True(newer.Exit == 0, newer.Err);
        var late = await DevelopAsync(stages, build - 1);
        Assert.True(late.Exit == 0, late.Err);
        Assert.Contains($"keeps build {build + 1}", late.Err);
        development = await DevelopmentAsync();
        Assert.Equal((build + 1, "Running", Infra.WebV2Digest),
            (development.GetProperty("buildNumber").GetInt32(), development.GetProperty("state").GetString(), development.GetProperty("digest").GetString()));
        Assert.Equal(HttpStatusCode.OK, await AnswerAsync(devPort));
        Assert.Equal(2, (await TestContainers.OfAsync(slug)).Count);
    }

    [Fact]
    public async Task A_failing_development_deployment_fails_the_stage_and_mails_the_team_as_a_failed_develop_build_does()
    {
        var stages = await StagesAsync();
        await PushAsync(stages, build, "demo/crashing:v1");

        var run = await DevelopAsync(stages, build);

        Assert.True(run.Exit == 3, $"exit {run.Exit}: {run.Err}");
        Assert.Equal("Failed", (await DevelopmentAsync()).GetProperty("state").GetString());
        // The stage failing, Jenkins runs the pipeline's post { failure } steps: the build is reported too.
        foreach (var command in stages.Where(s => s.Stage == "post:failure").Select(s => s.Command))
        {
            var step = await RunAsync(command, JenkinsEnv(build));
            Assert.True(step.Exit == 0, $"{command}\n{step.Err}");
        }
        var mail = await portal.Mail.WaitForAsync(2, TimeSpan.FromSeconds(20));
        Assert.Contains(mail, m => m.Subject!.Contains("development deployment failed") && m.To.ToString().Contains("team@example.com"));
        Assert.Contains(mail, m => m.Subject!.Contains($"build {build} failed"));
    }

    [Theory]
    [InlineData("""{ "application": "APP", "image": "127.0.0.1:5001/releasegate/portal", "commit": "9fceb02", "buildNumber": 1, "buildUrl": "https://j/1/" }""", 400, "image")]
    [InlineData("""{ "application": "APP", "image": "127.0.0.1:5001/releasegate/portal:1", "commit": "9fceb02", "buildUrl": "https://j/1/" }""", 400, "buildNumber")]
    [InlineData("""{ "application": "APP", "image": "127.0.0.1:5001/releasegate/portal:1", "commit": "not-a-commit", "buildNumber": 1, "buildUrl": "https://j/1/" }""", 400, "commit")]
    [InlineData("""{ "application": "APP", "image": "127.0.0.1:5001/other/repo:1", "commit": "9fceb02", "buildNumber": 1, "buildUrl": "https://j/1/" }""", 422, "image")]
    [InlineData("""{ "application": "no-such-app", "image": "127.0.0.1:5001/releasegate/portal:1", "commit": "9fceb02", "buildNumber": 1, "buildUrl": "https://j/1/" }""", 422, "application")]
    public async Task A_bad_development_request_is_refused_naming_the_field_and_changes_nothing(string body, int status, string field)
    {
        var response = await portal.Api().PostAsync("/api/v1/development-deployments", body.Replace("APP", slug));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(field, JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("field").GetString());
        Assert.Equal(JsonValueKind.Null, (await JsonAsync($"/api/v1/applications/{slug}")).GetProperty("development").ValueKind);
    }

    private sealed record Step(string Stage, string Command);

    /// <summary>The shipped Jenkinsfile's sh commands by stage, as tests/jenkinsfile lists them.</summary>
    private async Task<List<Step>> StagesAsync()
    {
        var listed = await RunAsync($"bash {Path.Combine(ReadmeTests.RepoRoot(), "tests", "jenkinsfile", "list.sh")}");
        Assert.True(listed.Exit == 0, listed.Err);
        var lines = listed.Out.Split('\n');
        Assert.Contains("WHEN\tDevelopment\tbranch develop", lines);
        Assert.Contains(lines, l => l.StartsWith("WHEN\tPush\t") && l.Contains("branch develop"));
        var steps = lines.Where(l => l.StartsWith("SH\t")).Select(l => l.Split('\t', 3)).Select(p => new Step(p[1], p[2])).ToList();
        Assert.Contains(steps, s => s.Stage == "Development" && s.Command.Contains("releasegate.sh\" develop"));
        return steps;
    }

    /// <summary>What the Image stage leaves on the agent (a test image stands in for the portal's), then the Push stage.</summary>
    private async Task PushAsync(List<Step> stages, int number, string image)
    {
        tags.Add(number.ToString());
        var tag = await RunAsync($"docker pull -q 127.0.0.1:5001/{image} >/dev/null && docker tag 127.0.0.1:5001/{image} {Repository}:{number}", JenkinsEnv(number));
        Assert.True(tag.Exit == 0, tag.Err);
        foreach (var command in stages.Where(s => s.Stage == "Push").Select(s => s.Command))
        {
            var step = await RunAsync(command, JenkinsEnv(number));
            Assert.True(step.Exit == 0, $"{command}\n{step.Err}");
        }
    }

    private async Task<(int Exit, string Out, string Err)> DevelopAsync(List<Step> stages, int number)
    {
        (int Exit, string Out, string Err) last = (0, "", "");
        foreach (var command in stages.Where(s => s.Stage == "Development").Select(s => s.Command))
        {
            last = await RunAsync(command, JenkinsEnv(number));
            if (last.Exit != 0) return last;
        }
        return last;
    }

    /// <summary>What Jenkins and the Jenkinsfile's environment {} give a develop build's steps; the portal is the test's.</summary>
    private Dictionary<string, string> JenkinsEnv(int number) => new()
    {
        ["DOCKER_HOST"] = Infra.DockerHost, ["REGISTRY"] = "127.0.0.1:5001", ["BUILD_NUMBER"] = number.ToString(),
        ["BUILD_URL"] = $"https://jenkins.example.com/job/releasegate/job/develop/{number}/", ["BRANCH_NAME"] = "develop",
        ["GIT_COMMIT"] = "9fceb02d0ae598e95dc970b74767f19372d61af8", ["RELEASEGATE_APPLICATION"] = slug,
        ["RELEASEGATE_URL"] = address.ToString().TrimEnd('/'), ["RELEASEGATE_KEY_ID"] = ApiPortal.KeyId, ["RELEASEGATE_SECRET"] = ApiPortal.Secret,
    };

    private async Task<JsonElement> JsonAsync(string path)
    {
        var response = await portal.Api().GetAsync(path);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement;
    }

    private async Task<JsonElement> DevelopmentAsync() => (await JsonAsync($"/api/v1/applications/{slug}")).GetProperty("development");

    private static async Task<HttpStatusCode?> AnswerAsync(int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(20);
        HttpStatusCode? status = null;
        while (status != HttpStatusCode.OK && DateTime.UtcNow < deadline)
        {
            try { status = (await http.GetAsync($"http://127.0.0.1:{port}/", Ct)).StatusCode; }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { await Task.Delay(200, Ct); }
        }
        return status;
    }

    private async Task<(int Exit, string Out, string Err)> RunAsync(string command, Dictionary<string, string>? env = null)
    {
        var start = new ProcessStartInfo("bash", ["-c", command])
        {
            WorkingDirectory = ReadmeTests.RepoRoot(), RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.Environment["RELEASEGATE_RETRIES"] = "2";
        foreach (var (k, v) in env ?? []) start.Environment[k] = v;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct).WaitAsync(TimeSpan.FromMinutes(3), Ct);
        return (process.ExitCode, await stdout, await stderr);
    }
}
