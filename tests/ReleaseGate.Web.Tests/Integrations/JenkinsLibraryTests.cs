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
/// The Jenkins library's change list (scripts/jenkins/changes.sh) against a stand-in for GET /api/v1/applications/{slug}
/// (the Jenkinsfile's develop stage is run against a real portal in Development/DevelopStageTests).
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

    private string[] Messages() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(workspace, ".releasegate", "changes.json"))).RootElement
            .EnumerateArray().Select(c => c.GetProperty("message").GetString()!).ToArray();

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
