using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace ReleaseGate.E2E;

/// <summary>
/// The test OpenID Connect provider (scripts/oidc: node + the certified `oidc-provider` package) on a free loopback
/// port. scripts/oidc/provider.sh installs Node.js and the npm packages on a fresh machine before it runs.
/// </summary>
public sealed class OidcProvider : IDisposable
{
    public const string ClientId = "releasegate";
    public const string ClientSecret = "releasegate-test-secret"; // test fixture, see scripts/oidc/provider.mjs
    public const string Password = "test-fixture-pass";

    private readonly string accountsFile = Path.Combine(Path.GetTempPath(), $"rg-oidc-accounts-{Guid.NewGuid():N}.json");
    private readonly Dictionary<string, object> accounts = [];
    private Process? process;

    public int Port { get; } = FreePort();
    public string Authority => $"http://127.0.0.1:{Port}";

    /// <summary>Adds or changes an account at the provider; it shows at the person's next sign-in.</summary>
    public void SetAccount(string login, string email, IEnumerable<string> groups, bool emailVerified = true)
    {
        lock (accounts)
        {
            accounts[login] = new { password = Password, email, email_verified = emailVerified, name = login, groups = groups.ToArray() };
            Write();
        }
    }

    /// <summary>The person is removed at the provider (as a deleted or blocked GitLab user): their grants stop working.</summary>
    public void RemoveAccount(string login)
    {
        lock (accounts)
        {
            accounts.Remove(login);
            Write();
        }
    }

    private void Write()
    {
        File.WriteAllText(accountsFile + ".tmp", JsonSerializer.Serialize(accounts));
        File.Move(accountsFile + ".tmp", accountsFile, overwrite: true);
    }

    public async Task StartAsync(Uri portal)
    {
        if (!File.Exists(accountsFile)) SetAccount("nobody", "nobody@example.com", []);
        var script = Path.Combine(RepoRoot(), "scripts", "oidc", "provider.sh");
        var start = new ProcessStartInfo("bash", [script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["OIDC_PORT"] = Port.ToString();
        start.Environment["OIDC_REDIRECT_URIS"] = new Uri(portal, "signin-oidc").ToString();
        start.Environment["OIDC_ACCOUNTS_FILE"] = accountsFile;
        start.Environment["OIDC_CLIENT_ID"] = ClientId;
        start.Environment["OIDC_CLIENT_SECRET"] = ClientSecret;
        process = Process.Start(start)!;
        var log = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // The first run on a fresh clone installs the npm packages: allow for it.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                if ((await http.GetAsync($"{Authority}/.well-known/openid-configuration")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(200);
        }
        throw new InvalidOperationException($"The test OIDC provider did not start on {Authority}:\n{log}");
    }

    /// <summary>The provider goes away (as a GitLab outage would); the port stays closed.</summary>
    public void Stop()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
    }

    public void Dispose()
    {
        Stop();
        process?.Dispose();
        File.Delete(accountsFile);
    }

    /// <summary>A port nothing listens on right now (also what "the provider is down" points at).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ReleaseGate.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("ReleaseGate.sln not found above the test folder");
    }
}
