using System.Diagnostics;
using Docker.DotNet.Models;

namespace ReleaseGate.Faults;

/// <summary>
/// The engine scripts/infra.sh started, stopped (SIGTERM: it stops its containers, Swarm keeps its state) and started
/// again with the very command line it had, detached as infra.sh starts it. Everyone's containers stop meanwhile: this
/// is why the Faults project runs last. If it does not come back, `scripts/infra.sh up` brings it back.
/// </summary>
public static class SharedEngine
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static string Dir => Infra.Get("RG_INFRA_DIR");

    /// <summary>Restarts the engine; answers how long it did not answer.</summary>
    public static async Task<TimeSpan> RestartAsync()
    {
        var pid = int.Parse(File.ReadAllText(Path.Combine(Dir, "dockerd.pid")).Trim());
        var command = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        if (!command[0].EndsWith("dockerd", StringComparison.Ordinal)) throw new InvalidOperationException($"pid {pid} is not dockerd: {command[0]}");
        var down = Stopwatch.StartNew();
        await RunAsync("kill", "-TERM", pid.ToString());
        var until = DateTime.UtcNow.AddSeconds(90);
        while (Directory.Exists($"/proc/{pid}") && DateTime.UtcNow < until) await Task.Delay(100, Ct);
        if (Directory.Exists($"/proc/{pid}")) await RunAsync("kill", "-KILL", pid.ToString());
        while (Directory.Exists($"/proc/{pid}")) await Task.Delay(100, Ct);
        // As infra.sh's start_bg: its own session, no descriptor of ours (a pipe to the test host left open would keep
        // this call waiting for its end), log appended.
        await RunAsync("bash", ["-c", """
            log=$1; shift
            for f in /proc/$$/fd/*; do n=${f##*/}; if ((n > 2)); then eval "exec $n>&-"; fi; done 2>/dev/null
            cd / && exec setsid --fork "$@" </dev/null >>"$log" 2>&1
            """, "bash", Path.Combine(Dir, "dockerd.log"), .. command]);
        await UpAsync(TimeSpan.FromSeconds(90));
        return down.Elapsed;
    }

    /// <summary>Until the engine answers and its Swarm node is active again.</summary>
    public static async Task<bool> UpAsync(TimeSpan within)
    {
        var until = DateTime.UtcNow + within;
        while (DateTime.UtcNow < until)
        {
            try
            {
                using var docker = ChainWorld.Engine();
                var info = await docker.System.GetSystemInfoAsync(Ct);
                if (info.Swarm?.LocalNodeState == "active") return true;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TimeoutException or System.Net.Sockets.SocketException or Docker.DotNet.DockerApiException) { }
            await Task.Delay(250, Ct);
        }
        return false;
    }

    /// <summary>For a finally: the engine answers, or infra.sh starts it again.</summary>
    public static async Task EnsureUpAsync()
    {
        if (await UpAsync(TimeSpan.FromSeconds(30))) return;
        await RunAsync("bash", Path.Combine(ChainWorld.RepositoryRoot, "scripts/infra.sh"), "up");
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stderr = p.StandardError.ReadToEndAsync(CancellationToken.None);
        await p.StandardOutput.ReadToEndAsync(CancellationToken.None);
        await p.WaitForExitAsync(CancellationToken.None);
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)}: {await stderr}");
    }
}
