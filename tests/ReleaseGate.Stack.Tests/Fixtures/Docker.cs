using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ReleaseGate.Stack.Tests;

/// <summary>The docker CLI against the project's engine (never the machine's default one), with a time limit per call.</summary>
public static class Docker
{
    public sealed record Result(int Code, string Out, string Err)
    {
        public string Text => Out.Trim();
    }

    public static Task<Result> RunAsync(IEnumerable<string> args, string? stdin = null, TimeSpan? limit = null, IDictionary<string, string>? environment = null) =>
        ProgramAsync("docker", args, stdin, limit, environment);

    /// <summary>Any program (docker, bash), from the repository's root, with the project's engine in DOCKER_HOST.</summary>
    public static async Task<Result> ProgramAsync(string file, IEnumerable<string> args, string? stdin = null, TimeSpan? limit = null, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file, args)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = stdin is not null,
            WorkingDirectory = Repo.Root,
        };
        start.Environment["DOCKER_HOST"] = Infra.DockerHost;
        start.Environment["DOCKER_BUILDKIT"] = "0";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (stdin is not null) { await process.StandardInput.WriteAsync(stdin); process.StandardInput.Close(); }
        // 3 min unless told: `docker exec … releasegate admin` starts .NET in a container, slow on a busy machine.
        limit ??= TimeSpan.FromMinutes(3);
        using var timeout = new CancellationTokenSource(limit.Value);
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} took more than {limit}");
        }
        return new Result(process.ExitCode, await output, await error);
    }

    /// <summary>Runs and insists on exit code 0; the answer's standard output, trimmed.</summary>
    public static async Task<string> OkAsync(params string[] args) => await OkAsync(args, null);

    public static async Task<string> OkAsync(string[] args, string? stdin, TimeSpan? limit = null)
    {
        var result = await RunAsync(args, stdin, limit);
        Assert.True(result.Code == 0, $"docker {string.Join(' ', args)} exited {result.Code}:\n{result.Err}\n{result.Out}");
        return result.Text;
    }

    /// <summary>A clean-up step: never throws, so every later step still runs.</summary>
    public static async Task QuietlyAsync(params string[] args)
    {
        try { await RunAsync(args, limit: TimeSpan.FromSeconds(90)); } catch (Exception) { /* best effort */ }
    }

    /// <summary>The group id of the project's engine socket: the group the portal's containers run with to use it.</summary>
    public static string SocketGroup()
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%g", new Uri(Infra.DockerHost).AbsolutePath]) { RedirectStandardOutput = true })!;
        var group = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();
        return group;
    }

    /// <summary>A pipeline's push of a built image, as skopeo copies it: into a registry that wants <paramref name="credentials"/> (user:password).</summary>
    public static async Task CopyImageAsync(string source, string target, string credentials)
    {
        var copy = await ProgramAsync("skopeo", ["copy", "--src-tls-verify=false", "--dest-tls-verify=false", "--dest-creds", credentials, $"docker://{source}", $"docker://{target}"]);
        Assert.True(copy.Code == 0, $"skopeo copy {source} {target}: {copy.Err}");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Asks until <paramref name="done"/> holds or the time is up (then fails, naming what was awaited).</summary>
    public static async Task WaitForAsync(string what, TimeSpan limit, Func<Task<bool>> done, Func<Task<string>>? explain = null)
    {
        var until = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < until)
        {
            try { if (await done()) return; }
            catch (HttpRequestException) { /* not listening yet */ }
            catch (TaskCanceledException) { /* an HTTP timeout, not the test's */ }
            await Task.Delay(500, TestContext.Current.CancellationToken);
        }
        Assert.Fail($"{what}: not within {limit.TotalSeconds:0} s. {(explain is null ? "" : await explain())}");
    }
}

public static class Repo
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ReleaseGate.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("ReleaseGate.sln not found above the test folder");
    }
}
