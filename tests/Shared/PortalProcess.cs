using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ReleaseGate.Testing;

/// <summary>
/// The portal as its own process (dotnet ReleaseGate.Web.dll) on a port of its own, as a replica runs in production:
/// it shares nothing with the test but the database and the real parts. Its console output is kept for assertions.
/// Linked into the test projects and bench/Api (so it knows nothing of xunit).
/// </summary>
public sealed class PortalProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> output = new();

    private PortalProcess(IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "ReleaseGate.Web.dll")])
        {
            WorkingDirectory = AppContext.BaseDirectory, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{Port}";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["ReleaseGate__Smtp__Port"] = FreePort().ToString(); // nobody listens: mail waits, harmlessly
        foreach (var (key, value) in environment) start.Environment[key] = value;
        process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is { } line) output.Enqueue(line); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) output.Enqueue(line); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Port { get; } = FreePort();
    public Uri Address => new($"http://127.0.0.1:{Port}");
    public IEnumerable<string> Output => output;
    public int Pid => process.Id;

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static PortalProcess Start(IReadOnlyDictionary<string, string> environment) => new(environment);

    /// <summary>Waits for /readyz (database reachable, scheduler running).</summary>
    public async Task ReadyAsync(CancellationToken cancellationToken, int seconds = 120)
    {
        using var http = new HttpClient { BaseAddress = Address };
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < until)
        {
            if (process.HasExited) throw new InvalidOperationException($"the portal exited ({process.ExitCode}):\n{string.Join('\n', output.TakeLast(40))}");
            try { if ((await http.GetAsync("/readyz", cancellationToken)).IsSuccessStatusCode) return; }
            catch (HttpRequestException) { }
            await Task.Delay(200, cancellationToken);
        }
        throw new TimeoutException($"the portal on :{Port} did not become ready:\n{string.Join('\n', output.TakeLast(40))}");
    }

    /// <summary>The exit code of a portal that stops on its own (a start refused), once it has; all of its output read.</summary>
    public async Task<int> ExitCodeAsync(CancellationToken cancellationToken, int seconds = 120)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(seconds));
        await process.WaitForExitAsync(deadline.Token);
        return process.ExitCode;
    }

    /// <summary>SIGKILL: no shutdown, no hand-back of running jobs.</summary>
    public async Task KillAsync()
    {
        if (process.HasExited) return;
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        process.Dispose();
    }
}
