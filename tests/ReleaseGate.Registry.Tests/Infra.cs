using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ReleaseGate.Registry.Tests;

/// <summary>Facts written by scripts/infra.sh up.</summary>
public static class Infra
{
    private static readonly Lazy<Dictionary<string, string>> Values = new(Load);

    public static readonly HttpClient Http = new() { Timeout = TimeSpan.FromMinutes(2) };

    public static string Get(string key) =>
        Values.Value.TryGetValue(key, out var value) && value.Length > 0
            ? value
            : throw new InvalidOperationException($"{key} is missing from {EnvFile}: run 'bash scripts/infra.sh up' first.");

    public static RegistryEndpoint Staging => new(new Uri("http://" + Get("RG_STAGING_REGISTRY")));
    public static RegistryEndpoint Production => new(new Uri("http://" + Get("RG_PRODUCTION_REGISTRY")));

    public static RegistryClient Client(RegistryEndpoint endpoint) => new(Http, endpoint);

    /// <summary>A repository name no other test or run uses.</summary>
    public static string UniqueRepository(string prefix) => $"test/{prefix}-{Guid.NewGuid().ToString("N")[..12]}";

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static (int ExitCode, string Output) Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in 60 s.");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static string EnvFile =>
        Path.Combine(Environment.GetEnvironmentVariable("RG_INFRA_DIR") is { Length: > 0 } dir ? dir : "/var/lib/releasegate-infra", "infra.env");

    private static Dictionary<string, string> Load()
    {
        if (!File.Exists(EnvFile))
            throw new InvalidOperationException($"{EnvFile} does not exist: run 'bash scripts/infra.sh up' first.");
        return File.ReadLines(EnvFile)
            .Where(line => !line.StartsWith('#') && line.Contains('='))
            .Select(line => line.Split('=', 2))
            .ToDictionary(parts => parts[0].Trim(), parts => parts[1].Trim());
    }
}
