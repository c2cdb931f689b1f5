using System.Diagnostics;
using ReleaseGate.Registry;

namespace ReleaseGate.Faults;

/// <summary>
/// A distribution registry of the test's own (`docker-registry serve`, as scripts/infra.sh starts :5001/:5002) on a free
/// loopback port with a temporary root, so stopping it disturbs nobody else; started again it serves the same content.
/// </summary>
public sealed class OwnRegistry : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly string root = Directory.CreateTempSubdirectory("rg-faults-registry").FullName;
    private Process? process;

    public int Port { get; } = MailSink.FreePort();
    public string Authority => $"127.0.0.1:{Port}";
    public Uri Url => new($"http://{Authority}");
    public RegistryClient Client { get; }

    private OwnRegistry() => Client = new RegistryClient(Http, new RegistryEndpoint(Url));

    public static async Task<OwnRegistry> StartAsync()
    {
        var registry = new OwnRegistry();
        await File.WriteAllTextAsync(Path.Combine(registry.root, "config.yml"), $"""
            version: 0.1
            log: {"{"} level: error {"}"}
            storage:
              filesystem: {"{"} rootdirectory: {registry.root}/data {"}"}
              delete: {"{"} enabled: true {"}"}
            http: {"{"} addr: "{registry.Authority}" {"}"}
            """);
        await registry.UpAsync();
        return registry;
    }

    public async Task UpAsync()
    {
        var start = new ProcessStartInfo("/usr/bin/docker-registry", ["serve", Path.Combine(root, "config.yml")])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var until = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < until)
        {
            try { if ((await Http.GetAsync(new Uri(Url, "/v2/"))).IsSuccessStatusCode) return; }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException($"the registry on {Authority} did not answer");
    }

    /// <summary>Down as a crashed registry is: the port refuses connections.</summary>
    public async Task DownAsync()
    {
        if (process is null || process.HasExited) return;
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    /// <summary>The digest the registry serves for repository:tag (a HEAD on the manifest), or null.</summary>
    public async Task<string?> DigestAsync(string repository, string tag) => (await Client.ResolveAsync(repository, tag, default))?.Digest;

    public async ValueTask DisposeAsync()
    {
        await DownAsync();
        process?.Dispose();
        Directory.Delete(root, recursive: true);
    }
}
