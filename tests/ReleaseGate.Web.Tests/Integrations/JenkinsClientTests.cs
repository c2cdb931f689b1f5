using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Registry;

namespace ReleaseGate.Web.Tests;

/// <summary>The repo's Jenkins client script and the Jenkinsfile's own commands, against a portal on a real socket.</summary>
public class JenkinsClientTests : IAsyncLifetime
{
    private readonly ApiPortal portal = new();
    private Uri address = null!;
    private readonly string workspace = Directory.CreateTempSubdirectory("rg-jenkins-").FullName;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static string Script => Path.Combine(ReadmeTests.RepoRoot(), "scripts", "jenkins", "releasegate.sh");

    public async ValueTask InitializeAsync()
    {
        portal.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        portal.StartServer();
        address = new Uri(portal.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        portal.Mail.Start();
        await portal.SeedDemoAsync("jenkins-demo");
    }

    public ValueTask DisposeAsync()
    {
        portal.Dispose();
        Directory.Delete(workspace, recursive: true);
        return ValueTask.CompletedTask;
    }

    private Task<(int Exit, string Out, string Err)> RunAsync(string command, Dictionary<string, string>? env = null, string? secret = null) =>
        Shell.RunAsync(command, workspace, new Dictionary<string, string>
        {
            ["RELEASEGATE_URL"] = address.ToString().TrimEnd('/'), ["RELEASEGATE_KEY_ID"] = ApiPortal.KeyId, ["RELEASEGATE_SECRET"] = secret ?? ApiPortal.Secret,
        }.Concat(env ?? []).GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.Last().Value));

    [Fact]
    public async Task The_client_submits_waits_for_the_test_deployment_and_reports_a_failed_build()
    {
        var submit = await RunAsync($"{Script} submit --application jenkins-demo --image 127.0.0.1:5001/demo/web:v1 " +
            "--commit 9fceb02d0ae598e95dc970b74767f19372d61af8 --branch release --build-number 7 " +
            "--build-url https://jenkins.example.com/job/demo/7/ --submitted-by dev@example.com --print-id");
        Assert.True(submit.Exit == 0, submit.Err);
        var id = Guid.Parse(submit.Out.Trim());

        var again = await RunAsync($"{Script} submit --application jenkins-demo --image 127.0.0.1:5001/demo/web:v1 " +
            "--commit 9fceb02d0ae598e95dc970b74767f19372d61af8 --branch release --build-number 7 " +
            "--build-url https://jenkins.example.com/job/demo/7/ --submitted-by dev@example.com --print-id");
        Assert.Equal(id, Guid.Parse(again.Out.Trim())); // a retried step gets the first answer

        var wait = await RunAsync($"{Script} wait --candidate {id} --phase AwaitingSignOff --timeout 90 --interval 1");
        Assert.True(wait.Exit == 0, wait.Err);

        var report = await RunAsync("printf 'error CS1002\\nBuild FAILED\\n' > log.txt && " +
            $"{Script} report-build --application jenkins-demo --status failed --build-number 8 " +
            "--build-url https://jenkins.example.com/job/demo/8/ --culprits li.lei@example.com --log-tail-file log.txt");
        Assert.True(report.Exit == 0, report.Err);
        var mail = (await portal.Mail.WaitForAsync(2, TimeSpan.FromSeconds(20))).Single(m => m.Subject!.Contains("build 8 failed"));
        Assert.Contains("Build FAILED", mail.TextBody);
    }

    [Fact]
    public async Task The_client_fails_on_a_refusal_and_on_a_wrong_secret()
    {
        var unknown = await RunAsync($"{Script} submit --application no-such-app --image 127.0.0.1:5001/demo/web:v1 " +
            "--commit 9fceb02d0ae598e95dc970b74767f19372d61af8 --build-number 9 --build-url https://jenkins.example.com/job/demo/9/ --submitted-by dev@example.com");
        Assert.Equal(1, unknown.Exit);
        Assert.Contains("no-such-app", unknown.Err);

        var badSecret = await RunAsync($"{Script} report-build --application jenkins-demo --status failed --build-number 10 " +
            "--build-url https://jenkins.example.com/job/demo/10/", secret: "not-the-secret-at-all");
        Assert.Equal(1, badSecret.Exit);
        Assert.Contains("signature", badSecret.Err);
    }

    [Fact]
    public async Task The_client_reports_a_failed_test_deployment_while_waiting()
    {
        await portal.SeedDemoAsync("jenkins-crash", repository: "demo/crashing");
        var submit = await RunAsync($"{Script} submit --application jenkins-crash --image 127.0.0.1:5001/demo/crashing:v1 " +
            "--commit 9fceb02d0ae598e95dc970b74767f19372d61af8 --build-number 11 --build-url https://jenkins.example.com/job/crash/11/ --submitted-by dev@example.com --print-id");
        Assert.True(submit.Exit == 0, submit.Err);

        var wait = await RunAsync($"{Script} wait --candidate {submit.Out.Trim()} --phase AwaitingSignOff --timeout 90 --interval 1");
        Assert.Equal(3, wait.Exit);
        Assert.Contains("DeployFailed", wait.Out + wait.Err);
    }

    [Fact]
    public async Task The_Jenkinsfile_release_stage_commands_register_and_wait_for_a_candidate()
    {
        var listed = await RunAsync($"bash {Path.Combine(ReadmeTests.RepoRoot(), "tests", "jenkinsfile", "list.sh")}");
        Assert.True(listed.Exit == 0, listed.Err);
        var stages = listed.Out.Split('\n').Where(l => l.StartsWith("STAGE\t")).Select(l => l.Split('\t')[1]).ToList();
        Assert.Equal(["Restore", "Test", "Image", "Push", "Development", "Release gate", "Wait for release"], stages);
        var releaseGate = listed.Out.Split('\n').Where(l => l.StartsWith("SH\tRelease gate\t")).Select(l => l.Split('\t', 3)[2]).ToList();
        Assert.Equal(3, releaseGate.Count);

        // What the Image and Push stages would have left in the staging registry: the build's image.
        await portal.SeedDemoAsync("releasegate-portal", repository: "releasegate/portal");
        using (var http = new HttpClient())
        {
            var staging = new RegistryClient(http, new RegistryEndpoint(new Uri("http://127.0.0.1:5001")));
            await RegistryClient.CopyAsync(staging, "demo/web", Infra.WebV1Digest, staging, "releasegate/portal", "42", null, Ct);
        }

        await RunAsync("git init -q . && git -c user.email=dev@example.com -c user.name=Dev commit -q --allow-empty -m 'Fix the gate'");
        Directory.CreateSymbolicLink(Path.Combine(workspace, "scripts"), Path.Combine(ReadmeTests.RepoRoot(), "scripts"));
        var env = new Dictionary<string, string>
        {
            ["REGISTRY"] = "127.0.0.1:5001", ["RELEASEGATE_APPLICATION"] = "releasegate-portal", ["BUILD_NUMBER"] = "42",
            ["BUILD_URL"] = "https://jenkins.example.com/job/releasegate/42/", ["BRANCH_NAME"] = "release",
        };
        foreach (var command in releaseGate)
        {
            var step = await RunAsync(command.Replace("--timeout 1800 --interval 15", "--timeout 90 --interval 1"), env);
            Assert.True(step.Exit == 0, $"{command}\n{step.Out}\n{step.Err}");
        }

        await using var db = portal.CreateDb();
        var candidate = await db.Candidates.Include(c => c.Application).SingleAsync(c => c.Application.Slug == "releasegate-portal", Ct);
        Assert.Equal(CandidatePhase.AwaitingSignOff, candidate.Phase);
        Assert.Equal("42", candidate.Version);
        Assert.Equal(Infra.WebV1Digest, candidate.Digest);
        Assert.Contains(candidate.Changes, c => c.Message == "Fix the gate");
    }

    [Fact]
    public async Task The_Jenkinsfile_failure_report_from_the_library_reaches_the_portal()
    {
        var listed = await RunAsync($"bash {Path.Combine(ReadmeTests.RepoRoot(), "tests", "jenkinsfile", "list.sh")}");
        var report = listed.Out.Split('\n').Where(l => l.StartsWith("SH\tpost:failure\t")).Select(l => l.Split('\t', 3)[2]).Single();

        await RunAsync("git init -q . && git -c user.email=li.lei@example.com -c user.name=Li commit -q --allow-empty -m 'Break the build'");
        Directory.CreateSymbolicLink(Path.Combine(workspace, "scripts"), Path.Combine(ReadmeTests.RepoRoot(), "scripts"));
        var step = await RunAsync(report, new()
        {
            ["RELEASEGATE_APPLICATION"] = "jenkins-demo", ["BUILD_NUMBER"] = "77", ["BUILD_URL"] = "https://jenkins.example.com/job/demo/77/",
        });

        Assert.True(step.Exit == 0, $"{report}\n{step.Out}\n{step.Err}");
        var mail = (await portal.Mail.WaitForAsync(1, TimeSpan.FromSeconds(20))).Single(m => m.Subject!.Contains("build 77 failed"));
        Assert.Contains("li.lei@example.com", mail.TextBody);
    }

    private Task<(int Exit, string Out, string Err)> ReportAsKeyAsync(string application, int build, string keyId, string secret) =>
        RunAsync($"{Script} report-build --application {application} --status succeeded --build-number {build} " +
            $"--build-url https://jenkins.example.com/job/{application}/{build}/", new() { ["RELEASEGATE_KEY_ID"] = keyId }, secret);

    [Fact]
    public async Task A_key_for_one_application_registers_it_and_is_refused_for_another()
    {
        await portal.SeedDemoAsync("jenkins-other");
        var secrets = portal.Services.GetRequiredService<ReleaseGate.Web.Integrations.IntegrationSecrets>();
        var (keyId, secret) = (await secrets.CreateAsync("Jenkins of team demo", ["jenkins-demo"], allowV1: false, PortalFactory.AdminEmail, Ct))!.Value;
        var env = new Dictionary<string, string> { ["RELEASEGATE_KEY_ID"] = keyId };

        var own = await RunAsync($"{Script} submit --application jenkins-demo --image 127.0.0.1:5001/demo/web:v1 " +
            "--commit 9fceb02d0ae598e95dc970b74767f19372d61af8 --build-number 21 --build-url https://jenkins.example.com/job/demo/21/ --submitted-by dev@example.com --print-id", env, secret);
        var other = await RunAsync($"{Script} submit --application jenkins-other --image 127.0.0.1:5001/demo/web:v1 " +
            "--commit 9fceb02d0ae598e95dc970b74767f19372d61af8 --build-number 22 --build-url https://jenkins.example.com/job/other/22/ --submitted-by dev@example.com", env, secret);
        var otherBuild = await ReportAsKeyAsync("jenkins-other", 23, keyId, secret);

        Assert.True(own.Exit == 0, own.Err);
        Assert.Equal(1, other.Exit);
        Assert.Contains("may not act for the application 'jenkins-other'", other.Err);
        Assert.Equal(1, otherBuild.Exit);
        Assert.Contains("HTTP 403", otherBuild.Err);
        await using var db = portal.CreateDb();
        Assert.False(await db.Candidates.AnyAsync(c => c.Application.Slug == "jenkins-other", Ct));
    }

    [Fact]
    public async Task A_rotated_key_signs_with_both_secrets_until_the_previous_one_is_retired()
    {
        var secrets = portal.Services.GetRequiredService<ReleaseGate.Web.Integrations.IntegrationSecrets>();
        var (keyId, oldSecret) = (await secrets.CreateAsync("Jenkins", ["jenkins-demo"], allowV1: false, PortalFactory.AdminEmail, Ct))!.Value;
        await using var db = portal.CreateDb();
        var id = await db.Integrations.Where(i => i.KeyId == keyId).Select(i => i.Id).SingleAsync(Ct);
        Assert.True((await ReportAsKeyAsync("jenkins-demo", 31, keyId, oldSecret)).Exit == 0);

        var newSecret = (await secrets.RotateAsync(id, PortalFactory.AdminEmail, Ct))!;
        var byOld = await ReportAsKeyAsync("jenkins-demo", 32, keyId, oldSecret);
        var byNew = await ReportAsKeyAsync("jenkins-demo", 33, keyId, newSecret);
        var rotated = await db.Integrations.AsNoTracking().SingleAsync(i => i.Id == id, Ct);
        Assert.True(await secrets.RetirePreviousAsync(id, PortalFactory.AdminEmail, Ct));
        var byRetired = await ReportAsKeyAsync("jenkins-demo", 34, keyId, oldSecret);

        Assert.True(byOld.Exit == 0, byOld.Err);
        Assert.True(byNew.Exit == 0, byNew.Err);
        Assert.NotNull(rotated.SecretLastUsedAt);
        Assert.NotNull(rotated.PreviousSecretLastUsedAt);
        Assert.Equal(1, byRetired.Exit);
        Assert.Contains("signature", byRetired.Err);
        Assert.Equal(["integration.created", "integration.secret-rotated", "integration.previous-secret-retired"],
            await db.AuditEvents.Where(a => a.Subject == keyId).OrderBy(a => a.Sequence).Select(a => a.Action).ToListAsync(Ct));
    }
}
