namespace ReleaseGate.Web.Tests;

/// <summary>What scripts/infra.sh started: addresses and test-image digests, from the environment or its infra.env.</summary>
public static class Infra
{
    private static readonly Lazy<Dictionary<string, string>> File = new(() =>
    {
        var dir = Environment.GetEnvironmentVariable("RG_INFRA_DIR") ?? "/var/lib/releasegate-infra";
        var path = Path.Combine(dir, "infra.env");
        if (!System.IO.File.Exists(path))
            throw new InvalidOperationException($"{path} is missing: run 'bash scripts/infra.sh up' (scripts/test.sh does).");
        return System.IO.File.ReadAllLines(path).Where(l => l.Contains('=') && !l.StartsWith('#'))
            .Select(l => l.Split('=', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim().Trim('"', '\''));
    });

    public static string Get(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value
        : File.Value.TryGetValue(name, out var fromFile) ? fromFile
        : throw new InvalidOperationException($"{name} is not in infra.env: run 'bash scripts/infra.sh up'.");

    public static string WebV1Digest => Get("RG_IMAGE_WEB_V1_DIGEST");
    public static string WebV2Digest => Get("RG_IMAGE_WEB_V2_DIGEST");
    public static string DockerHost => Get("DOCKER_HOST");
}
