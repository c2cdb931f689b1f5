using System.Diagnostics;
using System.Net;
using MimeKit;

namespace ReleaseGate.Stack.Tests;

/// <summary>
/// docker-compose.yml, as shipped, deployed with `docker stack deploy` on the local Swarm under its own stack name, ports,
/// secrets and applications file, its images the local stand-ins. One candidate goes through the whole chain inside it:
/// pushed to the stack's staging registry, registered by the shipped Jenkins client, deployed on the test engine through
/// the socket the portal is given, approved and released through the people's API, copied to the stack's production
/// registry, rolled out to Swarm, and the release mail caught by the stack's mail catcher.
/// </summary>
public class ComposeStackTests : IAsyncLifetime
{
    private readonly string stack = $"rgcp{Guid.NewGuid():N}"[..10];
    private readonly int port = Docker.FreePort();
    private readonly int stagingPort = Docker.FreePort();
    private readonly int productionPort = Docker.FreePort();
    private readonly int mailUiPort = Docker.FreePort();
    private readonly int testPort = Docker.FreePort();
    private readonly string registryPassword = Guid.NewGuid().ToString("N");
    private readonly string jenkinsSecret = Guid.NewGuid().ToString("N");
    private readonly string work = Directory.CreateTempSubdirectory("rg-compose-").FullName;
    private readonly Stopwatch watch = Stopwatch.StartNew();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string App => $"{stack}-app";
    private string Portal => $"{stack}_portal";

    /// <summary>The variables docker-compose.yml reads, set as its header says.</summary>
    private Dictionary<string, string> Variables => new()
    {
        ["RELEASEGATE_IMAGE"] = Images.Portal,
        ["RELEASEGATE_REGISTRY_IMAGE"] = Images.Registry,
        ["RELEASEGATE_MAIL_IMAGE"] = Images.SmtpCatcher,
        ["RELEASEGATE_PORT"] = port.ToString(),
        ["RELEASEGATE_PUBLIC_URL"] = $"http://127.0.0.1:{port}",
        ["RELEASEGATE_STAGING_PORT"] = stagingPort.ToString(),
        ["RELEASEGATE_PRODUCTION_PORT"] = productionPort.ToString(),
        ["RELEASEGATE_MAIL_UI_PORT"] = mailUiPort.ToString(),
        ["RELEASEGATE_SECRETS_DIR"] = Path.Combine(work, "secrets"),
        ["RELEASEGATE_APPLICATIONS_FILE"] = Path.Combine(work, "applications.yml"),
        ["RELEASEGATE_DOCKER_SOCKET"] = new Uri(Infra.DockerHost).AbsolutePath,
        ["RELEASEGATE_DOCKER_GID"] = Docker.SocketGroup(),
        ["RELEASEGATE_JENKINS_APPLICATIONS"] = "*",
    };

    public async ValueTask InitializeAsync()
    {
        Log($"images: {await Images.BuildAsync()}");
        var secrets = Directory.CreateDirectory(Path.Combine(work, "secrets")).FullName;
        await File.WriteAllTextAsync(Path.Combine(secrets, "admin_password.txt"), "Compose-Test-Admin-1\n", Ct);
        await File.WriteAllTextAsync(Path.Combine(secrets, "jenkins_secret.txt"), jenkinsSecret + "\n", Ct);
        await File.WriteAllTextAsync(Path.Combine(secrets, "registry_password.txt"), registryPassword + "\n", Ct);
        var htpasswd = await Docker.ProgramAsync("htpasswd", ["-Bbn", "releasegate", registryPassword]);
        Assert.True(htpasswd.Code == 0, htpasswd.Err);
        await File.WriteAllTextAsync(Path.Combine(secrets, "registry.htpasswd"), htpasswd.Out, Ct);
        // The registries by the names the engine pulls them by, as the compose file's header tells.
        await File.WriteAllTextAsync(Path.Combine(work, "applications.yml"), $$"""
            applications:
              - slug: {{App}}
                stagingRepository: 127.0.0.1:{{stagingPort}}/compose/app
                productionRepository: 127.0.0.1:{{productionPort}}/compose/app
                swarmService: {{App}}
                qaEmails: [qa@example.com]
                teamEmails: [team-{{stack}}@example.com]
                testEnvironment: { containerName: {{App}}-test, publishedPort: {{testPort}}, containerPort: 8080, healthTimeoutSeconds: 60 }
                rollout: { parallelism: 1, monitorSeconds: 1, timeoutSeconds: 180 }
                swarm: { replicas: 1, stopGracePeriodSeconds: 1 }
            """, Ct);
    }

    public async ValueTask DisposeAsync()
    {
        // What the portal made on the engine (the test deployment and the production service), then the stack.
        await Docker.QuietlyAsync("rm", "-f", $"{App}-test");
        await Docker.QuietlyAsync("service", "rm", App);
        await Stacks.RemoveAsync(stack);
        Directory.Delete(work, recursive: true);
        Log("cleaned up");
    }

    [Fact]
    public async Task A_candidate_goes_from_registration_to_production_and_mail_inside_the_compose_stack()
    {
        var deploy = await Docker.RunAsync(["stack", "deploy", "--resolve-image", "never", "-c", "docker-compose.yml", stack], environment: Variables);
        Assert.True(deploy.Code == 0, $"stack deploy failed:\n{deploy.Err}\n{deploy.Out}");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        await Docker.WaitForAsync("the portal's /readyz", TimeSpan.FromSeconds(240),
            async () => (await http.GetAsync("/readyz", Ct)).StatusCode == HttpStatusCode.OK, StateAsync);
        Log("portal ready");

        // Jenkins' push: the build's image into the stack's staging registry, through its published port, with its login.
        await Docker.CopyImageAsync(Infra.Get("RG_IMAGE_WEB_V2"), $"127.0.0.1:{stagingPort}/compose/app:v2", $"releasegate:{registryPassword}");

        var container = (await Docker.OkAsync("ps", "-q", "--filter", $"label=com.docker.swarm.service.name={Portal}")).Split('\n')[0];
        using var chain = new ReleaseChain(http.BaseAddress, container);
        // One person who tests and releases (each `releasegate admin` call starts .NET in the container: fewer is faster).
        var qa = await chain.TokenAsync("qa@example.com", "QA,ReleaseManager");
        var manager = qa;

        var id = await chain.SubmitAsync("jenkins-releasegate", jenkinsSecret, App, $"127.0.0.1:{stagingPort}/compose/app:v2", build: 1);
        Log($"registered {id}");
        var tested = await chain.WaitForPhaseAsync(qa, id, TimeSpan.FromSeconds(120), StateAsync, "AwaitingSignOff");
        var digest = tested.GetProperty("digest").GetString()!;
        Assert.Equal(Infra.WebV2Digest, digest);
        Assert.Equal($"127.0.0.1:{stagingPort}/compose/app@{digest}", await Docker.OkAsync("inspect", "-f", "{{.Config.Image}}", $"{App}-test"));
        Log("deployed on the test engine");

        var approved = await chain.PostAsync(qa, $"/api/v1/candidates/{id}/approvals", $$"""{ "digest": "{{digest}}", "comment": "tested in the compose stack" }""");
        Assert.True(approved.Status == HttpStatusCode.Created, $"{(int)approved.Status} {approved.Body}");
        var released = await chain.PostAsync(manager, $"/api/v1/applications/{App}/release-now", """{ "reason": "compose stack test" }""");
        Assert.True(released.Status == HttpStatusCode.Accepted, $"{(int)released.Status} {released.Body}");
        await chain.WaitForPhaseAsync(qa, id, TimeSpan.FromSeconds(180), StateAsync, "Released");
        Log("released");

        // Production serves the signed digest, pulled by the engine from the stack's production registry.
        await Production.AssertRunsAsync(App, $"127.0.0.1:{productionPort}/compose/app", digest);

        // The release mail, in the catcher's log.
        MimeMessage? mail = null;
        await Docker.WaitForAsync("the release mail in the catcher", TimeSpan.FromSeconds(60), async () =>
            (mail = await MailCatcher.FindAsync($"{stack}_mail", $"team-{stack}@example.com", "is released")) is not null, StateAsync);
        Assert.Contains(digest, mail!.TextBody ?? mail.HtmlBody);
        Log("mail caught");
    }

    private Task<string> StateAsync() => Stacks.StateAsync(stack, Portal);

    private void Log(string what) => TestContext.Current.TestOutputHelper?.WriteLine($"{watch.Elapsed:mm\\:ss} {what}");
}
