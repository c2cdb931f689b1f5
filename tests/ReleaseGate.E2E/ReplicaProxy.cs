using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ReleaseGate.E2E;

/// <summary>
/// Debian's HAProxy (scripts/infra.sh installs it) running deploy/proxy/haproxy.cfg, the proxy deploy/stack.yml
/// deploys, in front of portal processes on loopback. Only what ties it to Swarm is swapped: it binds 127.0.0.1 on a
/// free port, and names the replicas' ports instead of resolving the service's tasks through Docker's DNS. The
/// stickiness cookie, the health checks, the retries and the redispatch are the deployed ones.
/// </summary>
public sealed class ReplicaProxy : IAsyncDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> log = new();
    private readonly string configPath = Path.Combine(Path.GetTempPath(), $"rg-haproxy-{Guid.NewGuid():N}.cfg");

    private ReplicaProxy(IReadOnlyList<int> replicaPorts)
    {
        File.WriteAllText(configPath, Config(replicaPorts));
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("RG_HAPROXY") ?? "/usr/sbin/haproxy", ["-W", "-db", "-f", configPath])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.Environment["REPLICA_COOKIE_KEY"] = "e2e";
        process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is { } line) log.Enqueue(line); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) log.Enqueue(line); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Port { get; } = PortalProcess.FreePort();
    public Uri Address => new($"http://127.0.0.1:{Port}");

    /// <summary>
    /// The replica ("portal1" is the first port given) that served the last request whose line matches, from HAProxy's
    /// log; waits up to 2 s for a line that <paramref name="accept"/>s (by default: any), as the log is read as it comes.
    /// </summary>
    public async Task<string?> ServerOfLastAsync(string requestLine, Func<string?, bool>? accept = null)
    {
        for (var until = DateTime.UtcNow.AddSeconds(2); ; await Task.Delay(50))
        {
            var server = log.Where(l => l.Contains(requestLine, StringComparison.Ordinal))
                .Select(l => Regex.Match(l, @" portals/(portal\d+) ")).Where(m => m.Success).Select(m => m.Groups[1].Value).LastOrDefault();
            if ((accept ?? (s => s is not null))(server) || DateTime.UtcNow > until) return server;
        }
    }

    public static async Task<ReplicaProxy> StartAsync(params int[] replicaPorts)
    {
        var proxy = new ReplicaProxy(replicaPorts);
        using var http = new HttpClient { BaseAddress = proxy.Address };
        for (var until = DateTime.UtcNow.AddSeconds(10); DateTime.UtcNow < until; await Task.Delay(100))
        {
            if (proxy.process.HasExited) break;
            try { if ((await http.GetAsync("/proxy-healthz")).IsSuccessStatusCode) return proxy; }
            catch (HttpRequestException) { }
        }
        await proxy.DisposeAsync();
        throw new InvalidOperationException($"haproxy did not answer on :{proxy.Port}:\n{string.Join('\n', proxy.log)}");
    }

    /// <summary>deploy/proxy/haproxy.cfg with the two Swarm-only lines replaced; each must be found exactly once.</summary>
    private string Config(IReadOnlyList<int> replicaPorts)
    {
        var deployed = File.ReadAllText(Path.Combine(RepositoryRoot(), "deploy", "proxy", "haproxy.cfg"));
        var config = ReplaceOnce(deployed, @"(?m)^\s*bind :8080\s*$", $"    bind 127.0.0.1:{Port}");
        var servers = string.Join('\n', replicaPorts.Select((port, i) => $"    server portal{i + 1} 127.0.0.1:{port} check"));
        config = ReplaceOnce(config, @"(?m)^\s*server-template .*$", servers);
        // Docker's embedded DNS does not exist here; nothing refers to it once the template is gone.
        return ReplaceOnce(config, @"(?ms)^resolvers docker\n.*?\n\n", "");
    }

    private static string ReplaceOnce(string text, string pattern, string replacement)
    {
        Assert.Single(Regex.Matches(text, pattern));
        return Regex.Replace(text, pattern, replacement.Replace("$", "$$"));
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ReleaseGate.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("ReleaseGate.sln not found above " + AppContext.BaseDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
        File.Delete(configPath);
    }
}
