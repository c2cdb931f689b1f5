using System.Net;
using System.Net.Http.Headers;

namespace ReleaseGate.Stack.Tests;

/// <summary>The portal's image, built from the Dockerfile and run the way an operator would: environment variables only.</summary>
public class PortalImageTests : IAsyncLifetime
{
    private readonly string container = $"rg-image-{Guid.NewGuid():N}"[..20];
    private readonly int port = Docker.FreePort();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    // -v: the anonymous /app/data volume goes with the container.
    public async ValueTask DisposeAsync() => await Docker.QuietlyAsync("rm", "-f", "-v", container);

    [Fact]
    public async Task The_image_runs_as_an_unprivileged_user_and_declares_a_health_check()
    {
        TestContext.Current.SendDiagnosticMessage($"build: {await Images.BuildAsync()}");

        var user = await Docker.OkAsync("image", "inspect", "-f", "{{.Config.User}}", Images.Portal);
        Assert.NotEqual("", user);
        Assert.NotEqual("0", user.Split(':')[0]);
        Assert.NotEqual("root", user.Split(':')[0]);
        var health = await Docker.OkAsync("image", "inspect", "-f", "{{json .Config.Healthcheck.Test}}", Images.Portal);
        Assert.Contains("/healthz", health);
        Assert.Equal("/app/data", (await Docker.OkAsync("image", "inspect", "-f", "{{range $k, $v := .Config.Volumes}}{{$k}}{{end}}", Images.Portal)));
    }

    [Fact]
    public async Task Started_with_environment_variables_only_it_becomes_ready_and_healthy_and_its_admin_command_line_works()
    {
        await Images.BuildAsync();
        // No -v, no config file: SQLite in the image's /app/data volume, settings from the environment.
        // --health-interval: the image's own check, asked every 2 s instead of 30 s so the test need not wait.
        await Docker.OkAsync("run", "-d", "--name", container, "-p", $"127.0.0.1:{port}:8080", "--health-interval", "2s",
            "-e", $"ReleaseGate__PublicUrl=http://127.0.0.1:{port}",
            "-e", "ReleaseGate__Admin__Email=admin@example.com", "-e", "ReleaseGate__Admin__Password=Image-Test-Password-1",
            Images.Portal);

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
        await Docker.WaitForAsync("/readyz answers 200", TimeSpan.FromSeconds(90),
            async () => (await http.GetAsync("/readyz", Ct)).StatusCode == HttpStatusCode.OK, Logs);
        await Docker.WaitForAsync("Docker calls the container healthy", TimeSpan.FromSeconds(60),
            async () => await Docker.OkAsync("inspect", "-f", "{{.State.Health.Status}}", container) == "healthy", Logs);

        Assert.NotEqual("0", await Docker.OkAsync("exec", container, "id", "-u"));
        // Nothing of the host's is mounted: the one mount is the image's own data volume, where the database is.
        Assert.Equal("volume:/app/data", await Docker.OkAsync("inspect", "-f", "{{range .Mounts}}{{.Type}}:{{.Destination}} {{end}}", container));
        await Docker.OkAsync("exec", container, "test", "-s", "/app/data/releasegate.db");

        // The command line on the PATH acts on the served portal's database: the token it prints works over HTTP.
        var password = await Docker.OkAsync("exec", container, "releasegate", "admin", "create-user", "--email", "qa@example.com", "--roles", "QA");
        Assert.True(password.Length >= 12, $"expected a first password, got '{password}'");
        var token = await Docker.OkAsync("exec", container, "releasegate", "admin", "create-token", "--email", "qa@example.com", "--name", "image-test", "--scopes", "read,sign-off");
        Assert.StartsWith("rgp_", token);
        using var me = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", token) } };
        var answer = await http.SendAsync(me, Ct);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Contains("qa@example.com", await answer.Content.ReadAsStringAsync(Ct));

        // Wrong usage is told apart from a refusal, as documented (exit 2).
        var wrong = await Docker.RunAsync(["exec", container, "releasegate", "admin", "no-such-command"]);
        Assert.Equal(2, wrong.Code);
    }

    private async Task<string> Logs()
    {
        var logs = await Docker.RunAsync(["logs", "--tail", "40", container]);
        return $"Logs:\n{logs.Out}\n{logs.Err}";
    }
}
