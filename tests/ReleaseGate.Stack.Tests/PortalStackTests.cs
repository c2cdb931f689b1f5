using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text;

namespace ReleaseGate.Stack.Tests;

/// <summary>
/// deploy/stack.yml on the local Swarm, under its own stack name, port, subnet and secrets: two portal replicas on
/// PostgreSQL behind HAProxy, then a rolling update of the portal while a loop asks /healthz through the proxy and
/// QA signs a candidate off. The test adds only an applications file (a Swarm config, the one way an operator would)
/// and the candidate itself, written into PostgreSQL: registering one needs a staging registry the stack's network
/// reaches, and the registries here listen on the host's loopback only.
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
    private readonly Guid candidate = Guid.NewGuid();
    private const string Digest = "sha256:5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Portal => $"{stack}_portal";
    private string AdminSecret => $"{stack}_admin_password";
    private string DbSecret => $"{stack}_db_password";

    /// <summary>The variables deploy/stack.yml reads, as README's commands set them.</summary>
    private Dictionary<string, string> Variables => new()
    {
        ["RELEASEGATE_IMAGE"] = Images.Portal,
        ["RELEASEGATE_PROXY_IMAGE"] = Images.Proxy,
        ["RELEASEGATE_POSTGRES_IMAGE"] = Images.Postgres,
        ["RELEASEGATE_PORT"] = port.ToString(),
        ["RELEASEGATE_PUBLIC_URL"] = $"http://127.0.0.1:{port}",
        ["RELEASEGATE_SUBNET"] = subnet,
        ["RELEASEGATE_ADMIN_EMAIL"] = AdminEmail,
        ["RELEASEGATE_ADMIN_PASSWORD_SECRET"] = AdminSecret,
        ["RELEASEGATE_DB_PASSWORD_SECRET"] = DbSecret,
    };

    public async ValueTask InitializeAsync()
    {
        Log($"images: {await Images.BuildAsync()}");
        await Docker.OkAsync(["secret", "create", AdminSecret, "-"], "Stack-Test-Admin-1");
        await Docker.OkAsync(["secret", "create", DbSecret, "-"], $"db-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(Path.Combine(work, "applications.yml"), """
            applications:
              - slug: stack-app
                displayName: Stack test application
                stagingRepository: 127.0.0.1:5001/stack/app
                productionRepository: 127.0.0.1:5002/stack/app
                swarmService: stack-app
                requiredApprovals: 1
                testEnvironment: { containerName: stack-app-test, publishedPort: 18999, containerPort: 8080 }
            """);
        await File.WriteAllTextAsync(Path.Combine(work, "applications.override.yml"), $"""
            version: "3.8"
            services:
              portal:
                environment:
                  ReleaseGate__ApplicationsFile: /app/config/applications.yml
                configs:
                  - source: applications
                    target: /app/config/applications.yml
            configs:
              applications:
                file: {Path.Combine(work, "applications.yml")}
            """);
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
        await Docker.QuietlyAsync("stack", "rm", stack);
        // The services are gone, so nothing restarts the containers: remove them at once rather than waiting out their
        // stop grace periods; the volume and the network go only once they are gone.
        var until = DateTime.UtcNow.AddSeconds(60);
        string left;
        while ((left = (await Docker.RunAsync(["ps", "-aq", "--filter", $"label=com.docker.stack.namespace={stack}"])).Text) != "" && DateTime.UtcNow < until)
        {
            foreach (var container in left.Split('\n', StringSplitOptions.RemoveEmptyEntries)) await Docker.QuietlyAsync("rm", "-f", "-v", container);
            await Task.Delay(1000);
        }
        await Docker.QuietlyAsync("volume", "rm", $"{stack}_db-data");
        await Docker.QuietlyAsync("secret", "rm", AdminSecret, DbSecret);
        await Docker.QuietlyAsync("network", "rm", $"{stack}_portal");
        if (labelledNode is not null) await Docker.QuietlyAsync("node", "update", "--label-rm", "releasegate-db", labelledNode);
        Directory.Delete(work, recursive: true);
        Log("cleaned up");
    }

    [Fact]
    public async Task Two_replicas_behind_the_proxy_survive_a_rolling_update_without_losing_a_request_or_a_write()
    {
        var deploy = await Docker.RunAsync(["stack", "deploy", "--resolve-image", "never", "-c", "deploy/stack.yml", "-c", Path.Combine(work, "applications.override.yml"), stack], environment: Variables);
        Assert.True(deploy.Code == 0, $"stack deploy failed:\n{deploy.Err}\n{deploy.Out}");

        // Up to 5 min: a replica that starts before the database answers exits and is restarted by Swarm, and on a busy
        // machine each .NET start takes a while (about 75 s here on a quiet one).
        await Docker.WaitForAsync("two healthy portal replicas", TimeSpan.FromSeconds(300),
            async () => (await HealthyPortalsAsync()).Count == 2, ServiceStateAsync);
        Log("two healthy replicas");
        using var http = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        await Docker.WaitForAsync("/readyz through the proxy", TimeSpan.FromSeconds(60),
            async () => (await http.GetAsync("/readyz", Ct)).StatusCode == HttpStatusCode.OK, ServiceStateAsync);

        // The proxy spreads new visitors over both replicas, and pins each with its cookie.
        await Docker.WaitForAsync("the proxy balancing over both replicas", TimeSpan.FromSeconds(30),
            async () => (await ReplicaCookiesAsync(http, 8)).Count == 2, ServiceStateAsync);

        await CircuitsConnectThroughTheProxyAsync(http);

        // The people's API through the proxy, as a QA whose account and token the command line made in one replica.
        var portal = (await HealthyPortalsAsync())[0];
        await Docker.OkAsync("exec", portal, "releasegate", "admin", "create-user", "--email", "qa@example.com", "--roles", "QA");
        var token = await Docker.OkAsync("exec", portal, "releasegate", "admin", "create-token", "--email", "qa@example.com", "--name", "stack-test", "--scopes", "read,sign-off");
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var me = await http.GetAsync("/api/v1/me", Ct);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Contains("qa@example.com", await me.Content.ReadAsStringAsync(Ct));
        await SeedCandidateAsync();
        Assert.Contains("AwaitingSignOff", await (await http.GetAsync($"/api/v1/candidates/{candidate}", Ct)).Content.ReadAsStringAsync(Ct));

        var before = await HealthyPortalsAsync();
        using var stop = new CancellationTokenSource();
        var loop = AskHealthzAsync(stop.Token);
        Log("rolling update");
        await Docker.OkAsync("service", "update", "--detach", "--force", Portal);
        // A sign-off during the update (once a new replica serves beside the old ones), through the proxy.
        await Docker.WaitForAsync("a new replica serving", TimeSpan.FromSeconds(120),
            async () => (await HealthyPortalsAsync()).Except(before).Any(), ServiceStateAsync);
        Assert.Equal("updating", await Docker.OkAsync("service", "inspect", "-f", "{{.UpdateStatus.State}}", Portal));
        var approved = await http.PostAsync($"/api/v1/candidates/{candidate}/approvals", Json($$"""{ "digest": "{{Digest}}", "comment": "signed off during the update" }"""), Ct);
        Assert.True(approved.StatusCode == HttpStatusCode.Created, $"{(int)approved.StatusCode} {await approved.Content.ReadAsStringAsync(Ct)}");
        Log("signed off");
        await Docker.WaitForAsync("the update completed", TimeSpan.FromSeconds(180),
            async () => await Docker.OkAsync("service", "inspect", "-f", "{{.UpdateStatus.State}}", Portal) == "completed", ServiceStateAsync);
        await Docker.WaitForAsync("two healthy new replicas", TimeSpan.FromSeconds(60),
            async () => await HealthyPortalsAsync() is { Count: 2 } now && !now.Intersect(before).Any(), ServiceStateAsync);
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
            var after = await (await http.GetAsync($"/api/v1/candidates/{candidate}", Ct)).Content.ReadAsStringAsync(Ct);
            Assert.Contains("\"Approved\"", after);
            Assert.Contains("signed off during the update", after);
        }
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

    /// <summary>A candidate awaiting sign-off, as a test deployment leaves it, written into the stack's PostgreSQL.</summary>
    private async Task SeedCandidateAsync()
    {
        var db = (await Docker.OkAsync("ps", "-q", "--filter", $"label=com.docker.swarm.service.name={stack}_db")).Split('\n')[0];
        var now = DateTimeOffset.UtcNow.UtcTicks;
        await Docker.OkAsync(["exec", "-i", db, "psql", "-q", "-v", "ON_ERROR_STOP=1", "-U", "releasegate", "-d", "releasegate"], $"""
            INSERT INTO "Candidates" ("Id", "ApplicationId", "Branch", "BuildNumber", "BuildUrl", "Changes", "Commit", "ConcurrencyToken",
                                      "Digest", "Phase", "PhaseChangedAt", "RegisteredAt", "SubmittedBy", "Version", "TestUrl")
            SELECT '{candidate}', "Id", 'main', 1, '', '[]', 'c0ffee', '{Guid.NewGuid()}', '{Digest}', 'AwaitingSignOff', {now}, {now},
                   'jenkins', '1.0.0', 'http://127.0.0.1:18999/'
            FROM "Applications" WHERE "Slug" = 'stack-app';
            """);
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

    private async Task<string> ServiceStateAsync()
    {
        var services = await Docker.RunAsync(["stack", "ps", "--no-trunc", "--format", "{{.Name}} {{.CurrentState}} {{.Error}}", stack]);
        var logs = await Docker.RunAsync(["service", "logs", "--tail", "30", Portal]);
        return $"\n{services.Out}{services.Err}\nportal logs:\n{logs.Out}{logs.Err}";
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private void Log(string what) => TestContext.Current.TestOutputHelper?.WriteLine($"{watch.Elapsed:mm\\:ss} {what}");
}
