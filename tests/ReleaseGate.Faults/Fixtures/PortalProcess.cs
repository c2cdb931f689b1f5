using System.Diagnostics;

namespace ReleaseGate.Faults;

/// <summary>
/// The portal as its own process (`dotnet ReleaseGate.Web.dll`) on a database that outlives it, so a test can SIGKILL it
/// and start it again on the same state. Its output is kept (last lines) for a failure's message.
/// </summary>
public sealed class PortalProcess : IAsyncDisposable
{
    public const string KeyId = "faults-jenkins";
    public const string Secret = "faults-jenkins-signing-secret";
    private static string Dll => Path.Combine(AppContext.BaseDirectory, "ReleaseGate.Web.dll");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly Queue<string> output = new();
    private Process? process;

    public string Database { get; } = Path.Combine(Path.GetTempPath(), $"rg-faults-{Guid.NewGuid():N}.db");
    public string ApplicationsFile { get; } = Path.Combine(Path.GetTempPath(), $"rg-faults-{Guid.NewGuid():N}.yml");
    public int Port { get; } = MailSink.FreePort();
    public Uri Url => new($"http://127.0.0.1:{Port}");
    public int Starts { get; private set; }
    /// <summary>Settings as environment variables; the defaults point at the shared engine and a short mail poll.</summary>
    public Dictionary<string, string> Environment { get; } = new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Testing",
        ["ReleaseGate__TestEnvironment__DockerHost"] = Infra.DockerHost,
        ["ReleaseGate__Swarm__DockerHost"] = Infra.DockerHost,
        ["ReleaseGate__Jenkins__KeyId"] = KeyId,
        ["ReleaseGate__Jenkins__Applications"] = "*",
        ["ReleaseGate__Jenkins__Secret"] = Secret,
        ["ReleaseGate__Smtp__PollSeconds"] = "1",
    };

    public string Log => string.Join('\n', output);

    private ProcessStartInfo StartInfo(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Dll, .. args])
        {
            WorkingDirectory = AppContext.BaseDirectory, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var (k, v) in Environment) start.Environment[k] = v;
        start.Environment["ASPNETCORE_URLS"] = Url.ToString();
        start.Environment["ReleaseGate__Database__ConnectionString"] = $"Data Source={Database}";
        start.Environment["ReleaseGate__ApplicationsFile"] = ApplicationsFile;
        return start;
    }

    /// <summary>Starts the portal and waits until /readyz answers.</summary>
    public async Task StartAsync()
    {
        process = Process.Start(StartInfo())!;
        Starts++;
        DataReceivedEventHandler keep = (_, e) =>
        {
            if (e.Data is null) return;
            lock (output) { output.Enqueue(e.Data); while (output.Count > 200) output.Dequeue(); }
        };
        process.OutputDataReceived += keep;
        process.ErrorDataReceived += keep;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(5) };
        var until = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < until)
        {
            if (process.HasExited) throw new InvalidOperationException($"the portal exited with {process.ExitCode}:\n{Log}");
            try { if ((await http.GetAsync("/readyz", Ct)).IsSuccessStatusCode) return; }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
            await Task.Delay(100, Ct);
        }
        throw new TimeoutException($"the portal did not become ready:\n{Log}");
    }

    /// <summary>SIGKILL: no shutdown, no hand-back of jobs; what was in flight stays as the crash left it.</summary>
    public async Task KillAsync()
    {
        if (process is null || process.HasExited) return;
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync(Ct);
    }

    /// <summary>`releasegate admin …` on the same database; answers what it printed (a password, a token).</summary>
    public async Task<string> AdminAsync(params string[] args)
    {
        using var p = Process.Start(StartInfo(["admin", .. args]))!;
        var stdout = p.StandardOutput.ReadToEndAsync(Ct);
        var stderr = p.StandardError.ReadToEndAsync(Ct);
        await p.WaitForExitAsync(Ct);
        if (p.ExitCode != 0) throw new InvalidOperationException($"admin {string.Join(' ', args)}: {await stderr}");
        return (await stdout).Trim();
    }

    /// <summary>A personal access token of an account, for the people's API.</summary>
    public Task<string> TokenAsync(string email) => AdminAsync("create-token", "--email", email, "--name", "faults", "--scopes", "read,sign-off,release");

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        process?.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var f in new[] { Database, Database + "-wal", Database + "-shm", ApplicationsFile })
            if (File.Exists(f)) File.Delete(f);
    }
}
