using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text;

namespace ReleaseGate.Stack.Tests;

/// <summary>
/// deploy/stack.yml on the local Swarm, under its own stack name, port, subnet and secrets: two portal replicas on
/// PostgreSQL behind HAProxy, then a rolling update of the portal while a loop asks /healthz through the proxy, and a
/// candidate registered by the shipped Jenkins client goes through test deployment, sign-off (during the update),
/// promotion and rollout inside the stack. What a team's Swarm has outside the stack is added as an operator would:
/// an applications file (a Swarm config) and the team's registries and mail relay (stand-ins, as services of a second
/// compose file on the stack's network, their ports published on the host for the engine), named by variables.
/// </summary>
public class PortalStackTests : IAsyncLifetime
{
    private const string AdminEmail = "admin@example.com";
    private readonly string stack = $"rgst{Guid.NewGuid():N}"[..10];
    private readonly int port = Docker.FreePort();
    private readonly string subnet = $"10.231.{Random.Shared.Next(0, 250)}.0/24";
    private readonly Stopwatch watch = Stopwatch.StartNew();
    private string? labelledNode;
    private readonly string work = Directory.CreateTempSubdirectory("rg-stack-").FullName;
    private readonly int stagingPort = Docker.FreePort();
    private readonly int productionPort = Docker.FreePort();
    private readonly int testPort = Docker.FreePort();
    private readonly string registryPassword = Guid.NewGuid().ToString("N");
    private readonly string jenkinsSecret = Guid.NewGuid().ToString("N");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Portal => $"{stack}_portal";
    private string App => $"{stack}-app";
    /// <summary>The external secrets deploy/stack.yml names, each under this run's own name, and what they hold.</summary>
    private Dictionary<string, string> Secrets => new()
    {
        ["RELEASEGATE_ADMIN_PASSWORD_SECRET"] = "Stack-Test-Admin-1",
        ["RELEASEGATE_DB_PASSWORD_SECRET"] = $"db-{stack}",
        ["RELEASEGATE_JENKINS_SECRET_SECRET"] = jenkinsSecret,
        ["RELEASEGATE_STAGING_REGISTRY_PASSWORD_SECRET"] = registryPassword,
        ["RELEASEGATE_PRODUCTION_REGISTRY_PASSWORD_SECRET"] = registryPassword,
        // The catcher wants no login (no RELEASEGATE_SMTP_USER): a placeholder, as the stack file's header says.
        ["RELEASEGATE_SMTP_PASSWORD_SECRET"] = "unused",
    };
    private string SecretName(string variable) => $"{stack}_{variable["RELEASEGATE_".Length..^"_SECRET".Length].ToLowerInvariant()}";

    /// <summary>The variables deploy/stack.yml reads, as README's commands set them.</summary>
    private Dictionary<string, string> Variables => new Dictionary<string, string>
    {
        ["RELEASEGATE_IMAGE"] = Images.Portal,
        ["RELEASEGATE_PROXY_IMAGE"] = Images.Proxy,
        ["RELEASEGATE_POSTGRES_IMAGE"] = Images.Postgres,
        ["RELEASEGATE_PORT"] = port.ToString(),
        ["RELEASEGATE_PUBLIC_URL"] = $"http://127.0.0.1:{port}",
        ["RELEASEGATE_SUBNET"] = subnet,
        ["RELEASEGATE_ADMIN_EMAIL"] = AdminEmail,
        // The team's registries and relay: dialled by service name on the stack network, named in image references
        // as the engine pulls them (through their published ports on 127.0.0.1).
        ["RELEASEGATE_STAGING_REGISTRY"] = "http://staging-registry:5000",
        ["RELEASEGATE_STAGING_REGISTRY_NAME"] = $"127.0.0.1:{stagingPort}",
        ["RELEASEGATE_PRODUCTION_REGISTRY"] = "http://production-registry:5000",
        ["RELEASEGATE_PRODUCTION_REGISTRY_NAME"] = $"127.0.0.1:{productionPort}",
        ["RELEASEGATE_SMTP_HOST"] = "mail",
        ["RELEASEGATE_SMTP_PORT"] = "1025",
        ["RELEASEGATE_SMTP_SECURITY"] = "None",
        ["RELEASEGATE_DOCKER_SOCKET"] = new Uri(Infra.DockerHost).AbsolutePath,
        ["RELEASEGATE_DOCKER_GID"] = Docker.SocketGroup(),
        ["RELEASEGATE_JENKINS_APPLICATIONS"] = "*",
    }.Concat(Secrets.Keys.Select(k => KeyValuePair.Create(k, SecretName(k)))).ToDictionary();

    public async ValueTask InitializeAsync()
    {
        Log($"images: {await Images.BuildAsync()}");
        try
        {
            foreach (var (variable, value) in Secrets) await Docker.OkAsync(["secret", "create", SecretName(variable), "-"], value);
        }
        catch
        {
            // xunit does not dispose a class whose InitializeAsync failed: the secrets made so far go now.
            await Docker.QuietlyAsync(["secret", "rm", .. Secrets.Keys.Select(SecretName)]);
            throw;
        }
        var htpasswd = await Docker.ProgramAsync("htpasswd", ["-Bbn", "releasegate", registryPassword]);
        Assert.True(htpasswd.Code == 0, htpasswd.Err);
        await File.WriteAllTextAsync(Path.Combine(work, "registry.htpasswd"), htpasswd.Out, Ct);
        await File.WriteAllTextAsync(Path.Combine(work, "applications.yml"), $$"""
            applications:
              - slug: {{App}}
                displayName: Stack test application
                stagingRepository: 127.0.0.1:{{stagingPort}}/stack/app
                productionRepository: 127.0.0.1:{{productionPort}}/stack/app
                swarmService: {{App}}
                requiredApprovals: 1
                teamEmails: [team-{{stack}}@example.com]
                testEnvironment: { containerName: {{App}}-test, publishedPort: {{testPort}}, containerPort: 8080, healthTimeoutSeconds: 60 }
                rollout: { parallelism: 1, monitorSeconds: 1, timeoutSeconds: 180 }
                swarm: { replicas: 1, stopGracePeriodSeconds: 1 }
            """, Ct);
        // What an operator adds in a second file: the applications as a Swarm config, and (here only) the team's
        // registries and mail relay, as stand-ins on the stack's network.
        await File.WriteAllTextAsync(Path.Combine(work, "operator.yml"), $"""
            version: "3.8"
            services:
              portal:
                environment:
                  ReleaseGate__ApplicationsFile: /app/config/applications.yml
                configs:
                  - source: applications
                    target: /app/config/applications.yml
              staging-registry: &registry
                image: {Images.Registry}
                environment:
                  REGISTRY_AUTH: htpasswd
                  REGISTRY_AUTH_HTPASSWD_REALM: releasegate
                  REGISTRY_AUTH_HTPASSWD_PATH: /run/secrets/registry_htpasswd
                secrets: [registry_htpasswd]
                networks: [portal]
                ports: [{"{"} target: 5000, published: {stagingPort}, mode: host {"}"}]
                deploy: {"{"} endpoint_mode: dnsrr {"}"}
              production-registry:
                <<: *registry
                ports: [{"{"} target: 5000, published: {productionPort}, mode: host {"}"}]
              mail:
                image: {Images.SmtpCatcher}
                networks: [portal]
                deploy: {"{"} endpoint_mode: dnsrr {"}"}
            configs:
              applications:
                file: {Path.Combine(work, "applications.yml")}
            secrets:
              registry_htpasswd:
                file: {Path.Combine(work, "registry.htpasswd")}
            """, Ct);
        // The database's placement label, on this one node; removed again only if this test added it.
        var node = await Docker.OkAsync("info", "-f", "{{.Swarm.NodeID}}");
        if (await Docker.OkAsync("node", "inspect", "-f", "{{index .Spec.Labels \"releasegate-db\"}}", node) != "true")
        {
            await Docker.OkAsync("node", "update", "--label-add", "releasegate-db=true", node);
            labelledNode = node;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // What the portal made on the engine (the test deployment and the production service), then the stack.
        await Docker.QuietlyAsync("rm", "-f", $"{App}-test");
        await Docker.QuietlyAsync("service", "rm", App);
        await Stacks.RemoveAsync(stack);
        await Docker.QuietlyAsync(["secret", "rm", .. Secrets.Keys.Select(SecretName)]);
        if (labelledNode is not null) await Docker.QuietlyAsync("node", "update", "--label-rm", "releasegate-db", labelledNode);
        Directory.Delete(work, recursive: true);
        Log("cleaned up");
    }

    [Fact]
    public async Task Two_replicas_behind_the_proxy_release_a_registered_candidate_and_survive_a_rolling_update_without_losing_a_request_or_a_write()
    {
        var deploy = await Docker.RunAsync(["stack", "deploy", "--resolve-image", "never", "-c", "deploy/stack.yml", "-c", Path.Combine(work, "operator.yml"), stack], environment: Variables);
        Assert.True(deploy.Code == 0, $"stack deploy failed:\n{deploy.Err}\n{deploy.Out}");

        // Up to 5 min: a replica that starts before the database answers exits and is restarted by Swarm, and on a busy
        // machine each .NET start takes a while (about 75 s here on a quiet one).
        await Docker.WaitForAsync("two healthy portal replicas", TimeSpan.FromSeconds(300),
            async () => (await HealthyPortalsAsync()).Count == 2, StateAsync);
        Log("two healthy replicas");
        using var http = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        await Docker.WaitForAsync("/readyz through the proxy", TimeSpan.FromSeconds(60),
            async () => (await http.GetAsync("/readyz", Ct)).StatusCode == HttpStatusCode.OK, StateAsync);

        // The proxy spreads new visitors over both replicas, and pins each with its cookie.
        await Docker.WaitForAsync("the proxy balancing over both replicas", TimeSpan.FromSeconds(30),
            async () => (await ReplicaCookiesAsync(http, 8)).Count == 2, StateAsync);

        await CircuitsConnectThroughTheProxyAsync(http);

        // Jenkins' push, into the team's staging registry through its published port and with its login.
        await Docker.CopyImageAsync(Infra.Get("RG_IMAGE_WEB_V2"), $"127.0.0.1:{stagingPort}/stack/app:v2", $"releasegate:{registryPassword}");

        // The people's API through the proxy, as a QA and release manager whose account and token the command line made
        // in one replica; the candidate registered through the proxy by the Jenkins client and deployed on the test engine.
        using var chain = new ReleaseChain(http.BaseAddress, (await HealthyPortalsAsync())[0]);
        var qa = await chain.TokenAsync("qa@example.com", "QA,ReleaseManager");
        var candidate = await chain.SubmitAsync("jenkins-releasegate", jenkinsSecret, App, $"127.0.0.1:{stagingPort}/stack/app:v2", build: 1);
        var digest = (await chain.WaitForPhaseAsync(qa, candidate, TimeSpan.FromSeconds(120), StateAsync, "AwaitingSignOff")).GetProperty("digest").GetString()!;
        Assert.Equal(Infra.WebV2Digest, digest);
        Log("registered and deployed on the test engine");

        var before = await HealthyPortalsAsync();
        using var stop = new CancellationTokenSource();
        var loop = AskHealthzAsync(stop.Token);
        Log("rolling update");
        await Docker.OkAsync("service", "update", "--detach", "--force", Portal);
        // A sign-off during the update (once a new replica serves beside the old ones), through the proxy.
        await Docker.WaitForAsync("a new replica serving", TimeSpan.FromSeconds(120),
            async () => (await HealthyPortalsAsync()).Except(before).Any(), StateAsync);
        Assert.Equal("updating", await Docker.OkAsync("service", "inspect", "-f", "{{.UpdateStatus.State}}", Portal));
        var approved = await chain.PostAsync(qa, $"/api/v1/candidates/{candidate}/approvals", $$"""{ "digest": "{{digest}}", "comment": "signed off during the update" }""");
        Assert.True(approved.Status == HttpStatusCode.Created, $"{(int)approved.Status} {approved.Body}");
        Log("signed off");
        await Docker.WaitForAsync("the update completed", TimeSpan.FromSeconds(180),
            async () => await Docker.OkAsync("service", "inspect", "-f", "{{.UpdateStatus.State}}", Portal) == "completed", StateAsync);
        await Docker.WaitForAsync("two healthy new replicas", TimeSpan.FromSeconds(60),
            async () => await HealthyPortalsAsync() is { Count: 2 } now && !now.Intersect(before).Any(), StateAsync);
        // A few more seconds of traffic on the new replicas only.
        await Task.Delay(3000, Ct);
        await stop.CancelAsync();
        var (asked, failures) = await loop;
        Log($"update done: {asked} requests, {failures.Count} failed");

        Assert.True(asked > 100, $"only {asked} requests were made during the update");
        Assert.Empty(failures);
        // The sign-off made during the update is in the one database both new replicas read: asked of each.
        for (var i = 0; i < 4; i++)
        {
            var after = (await chain.CandidateAsync(qa, candidate)).ToString();
            Assert.Contains("\"Approved\"", after);
            Assert.Contains("signed off during the update", after);
        }

        // Released by the new replicas: promoted into the team's production registry, rolled out from it on the Swarm.
        var released = await chain.PostAsync(qa, $"/api/v1/applications/{App}/release-now", """{ "reason": "stack test" }""");
        Assert.True(released.Status == HttpStatusCode.Accepted, $"{(int)released.Status} {released.Body}");
        await chain.WaitForPhaseAsync(qa, candidate, TimeSpan.FromSeconds(180), StateAsync, "Released");
        Log("released");
        await Production.AssertRunsAsync(App, $"127.0.0.1:{productionPort}/stack/app", digest);
        await Docker.WaitForAsync("the release mail at the relay", TimeSpan.FromSeconds(60),
            async () => await MailCatcher.FindAsync($"{stack}_mail", $"team-{stack}@example.com", "is released") is not null, StateAsync);
    }

    /// <summary>
    /// A Blazor Server circuit's two steps, negotiate (POST) and then the WebSocket, reach the same replica: the proxy's
    /// cookie pins them. (Without it, round robin sends the WebSocket to the other replica, which knows no such
    /// connection and answers 404.) Several visitors, so both replicas are met.
    /// </summary>
    private async Task CircuitsConnectThroughTheProxyAsync(HttpClient http)
    {
        for (var visitor = 0; visitor < 4; visitor++)
        {
            using var first = await http.GetAsync("/healthz", Ct);
            var cookie = first.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("RG_REPLICA=", StringComparison.Ordinal)).Split(';')[0];
            using var negotiate = new HttpRequestMessage(HttpMethod.Post, "/_blazor/negotiate?negotiateVersion=1") { Headers = { { "Cookie", cookie } } };
            using var answer = await http.SendAsync(negotiate, Ct);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            using var body = JsonDocument.Parse(await answer.Content.ReadAsStringAsync(Ct));
            var id = body.RootElement.GetProperty("connectionToken").GetString();

            using var socket = new ClientWebSocket();
            socket.Options.SetRequestHeader("Cookie", cookie);
            await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/_blazor?id={id}"), Ct);
            Assert.Equal(WebSocketState.Open, socket.State);
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", Ct);
        }
    }

    /// <summary>GET /healthz through the proxy, back to back, until stopped: how many, and every answer that was not 200.</summary>
    private async Task<(int Asked, List<string> Failures)> AskHealthzAsync(CancellationToken stop)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        var asked = 0;
        var failures = new List<string>();
        while (!stop.IsCancellationRequested)
        {
            asked++;
            try
            {
                using var answer = await http.GetAsync("/healthz", CancellationToken.None);
                if (answer.StatusCode != HttpStatusCode.OK) failures.Add($"{watch.Elapsed:mm\\:ss\\.f} {(int)answer.StatusCode}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { failures.Add($"{watch.Elapsed:mm\\:ss\\.f} {e.Message}"); }
            try { await Task.Delay(20, stop); } catch (OperationCanceledException) { break; }
        }
        return (asked, failures);
    }

    /// <summary>The replica cookies the proxy hands to <paramref name="visitors"/> new visitors (no cookie sent).</summary>
    private static async Task<HashSet<string>> ReplicaCookiesAsync(HttpClient http, int visitors)
    {
        var cookies = new HashSet<string>();
        for (var i = 0; i < visitors; i++)
        {
            using var answer = await http.GetAsync("/readyz", Ct);
            if (answer.Headers.TryGetValues("Set-Cookie", out var set))
                cookies.UnionWith(set.Where(c => c.StartsWith("RG_REPLICA=", StringComparison.Ordinal)).Select(c => c.Split(';')[0]));
        }
        return cookies;
    }

    private async Task<List<string>> HealthyPortalsAsync() =>
        (await Docker.OkAsync("ps", "-q", "--filter", $"label=com.docker.swarm.service.name={Portal}", "--filter", "health=healthy"))
        .Split('\n', StringSplitOptions.RemoveEmptyEntries).Order().ToList();

    private Task<string> StateAsync() => Stacks.StateAsync(stack, Portal);

    private void Log(string what) => TestContext.Current.TestOutputHelper?.WriteLine($"{watch.Elapsed:mm\\:ss} {what}");
}
