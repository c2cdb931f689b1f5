using System.Diagnostics;

namespace ReleaseGate.Stack.Tests;

/// <summary>
/// The images the tests run, built once per test run from this checkout with the legacy builder, against the
/// local stand-ins of the official base images (scripts/standin-images.sh, idempotent). The Dockerfiles'
/// layer cache makes a re-run cheap: only a changed source re-publishes; the restore layer stays.
/// </summary>
public static class Images
{
    public const string Portal = "releasegate/portal:test";
    public const string Proxy = "releasegate/proxy:test";
    public const string Postgres = "releasegate/postgres:test";
    /// <summary>Stand-ins for registry:2 and a mail catcher, built by scripts/standin-images.sh from Debian's packages.</summary>
    public const string Registry = "releasegate-standin/registry:2";
    public const string SmtpCatcher = "releasegate-standin/smtp-catcher:1";

    private static readonly Lazy<Task<string>> Built = new(BuildAllAsync);

    /// <summary>Builds (or finds up to date) all three; the answer says how long each build took.</summary>
    public static Task<string> BuildAsync() => Built.Value;

    private static async Task<string> BuildAllAsync()
    {
        var standins = await Docker.ProgramAsync("bash", ["scripts/standin-images.sh"], limit: TimeSpan.FromMinutes(10));
        Assert.True(standins.Code == 0, $"scripts/standin-images.sh failed:\n{standins.Err}");
        var times = new List<string>();
        foreach (var (tag, context, args) in new[]
        {
            (Portal, ".", new[] { "SDK_IMAGE=releasegate-standin/sdk:10.0", "RUNTIME_IMAGE=releasegate-standin/aspnet:10.0" }),
            (Proxy, "deploy/proxy", new[] { "BASE_IMAGE=releasegate-standin/debian:bookworm" }),
            (Postgres, "deploy/postgres", new[] { "BASE_IMAGE=releasegate-standin/debian:bookworm" }),
        })
        {
            var watch = Stopwatch.StartNew();
            await Docker.OkAsync(["build", "-q", "-t", tag, .. args.SelectMany(a => new[] { "--build-arg", a }), context], null, TimeSpan.FromMinutes(20));
            times.Add($"{tag} {watch.Elapsed.TotalSeconds:0.0} s");
        }
        return string.Join(", ", times);
    }
}
