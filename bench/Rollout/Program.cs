using ReleaseGate.Core.Access;
// Rollout benchmark: a rolling update of a 3-replica Swarm service through the real portal (a restore over the people's
// API, watched by its durable job and the manager's event stream) against `docker service update --detach=false` to the
// same image on a twin service with the same update config, alternating, in one run on the same engine.
// Prints both wall times, their ratio (target <= 1.03), and how long after Swarm marked each update completed the
// portal recorded the release (target <= 250 ms).
// Usage: dotnet run -c Release --project bench/Rollout [repetitions]   (scripts/infra.sh up first)
// BENCH_DELAY=0 runs both with no update delay (Swarm then reports completion before the monitor rule decides).
// BENCH_STEPS=1 also prints, for each rollout, when Swarm started it, how long Swarm's own update took, and the tail.
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReleaseGate.Core.Applications;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Releases;
using ReleaseGate.Core.Users;
using ReleaseGate.Registry;

// The portal runs from its project folder (static assets, content root), found above this program.
var repo = new DirectoryInfo(AppContext.BaseDirectory);
while (!File.Exists(Path.Combine(repo.FullName, "ReleaseGate.sln"))) repo = repo.Parent!;
Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_RELEASEGATE_WEB", Path.Combine(repo.FullName, "src", "ReleaseGate.Web"));

var repetitions = args.Length > 0 ? int.Parse(args[0]) : 6;
var env = File.ReadAllLines("/var/lib/releasegate-infra/infra.env").Where(l => l.Contains('=') && !l.StartsWith('#'))
    .Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
var dockerHost = env["DOCKER_HOST"];
var run = Environment.TickCount64.ToString("x")[^6..];
const string Slug = "bench-rollout";
var ourService = $"rgb-ours-{run}";
var cliService = $"rgb-cli-{run}";
var productionRepository = "127.0.0.1:5002/bench/rollout";
var versions = new[] { ("v1", env["RG_IMAGE_WEB_V1_DIGEST"]), ("v2", env["RG_IMAGE_WEB_V2_DIGEST"]) };
string ImageOf(int v) => $"{productionRepository}:{versions[v].Item1}@{versions[v].Item2}";

// Production holds both versions, as after two promotions.
using (var http = new HttpClient())
{
    var staging = new RegistryClient(http, new RegistryEndpoint(new Uri("http://127.0.0.1:5001")));
    var production = new RegistryClient(http, new RegistryEndpoint(new Uri("http://127.0.0.1:5002")));
    foreach (var (tag, digest) in versions)
        await ImageCopy.CopyAsync(staging, "demo/web", production, "bench/rollout", digest, tag);
}

// The same policy for both services: what the application says, and what `docker service create` is given.
var policy = new RolloutPolicy { Parallelism = 1, DelaySeconds = int.Parse(Environment.GetEnvironmentVariable("BENCH_DELAY") ?? "1"), MonitorSeconds = 2, TimeoutSeconds = 300 };
var flags = $"--replicas 3 --update-parallelism {policy.Parallelism} --update-delay {policy.DelaySeconds}s --update-monitor {policy.MonitorSeconds}s " +
            "--update-failure-action rollback --update-order stop-first --update-max-failure-ratio 0 " +
            "--rollback-parallelism 1 --rollback-delay 1s --rollback-monitor 2s --rollback-failure-action pause " +
            "--restart-condition any --restart-delay 1s --stop-grace-period 1s --label releasegate.application=bench";
var database = Path.Combine(Path.GetTempPath(), $"rg-bench-rollout-{run}.db");
var ours = new List<double>();
var reference = new List<double>();
var noticed = new List<double>();
var releaseOf = new long[2];
Portal? portal = null;
HttpClient client = null!;
IDbContextFactory<ReleaseGateDb> dbs = null!;
try
{
    foreach (var name in new[] { ourService, cliService })
        Docker($"service create --detach=false --quiet --name {name} {flags} {ImageOf(0)}");

    portal = new Portal(database, dockerHost);
    client = portal.CreateClient();
    dbs = portal.Services.GetRequiredService<IDbContextFactory<ReleaseGateDb>>();
    await using (var db = dbs.CreateDbContext())
    {
        var app = new Application
        {
            Slug = Slug, StagingRepository = "127.0.0.1:5001/demo/web", ProductionRepository = productionRepository, SwarmService = ourService,
            Rollout = policy, Swarm = new SwarmServiceSpec { Replicas = 3, StopGracePeriodSeconds = 1 },
        };
        db.Applications.Add(app);
        await db.SaveChangesAsync();
        // Both versions were released before (what a restore goes back to).
        for (var v = 0; v < 2; v++)
        {
            var release = new Release
            {
                ApplicationId = app.Id, Version = versions[v].Item1, Digest = versions[v].Item2, StartedAt = DateTimeOffset.UtcNow,
                FinishedAt = DateTimeOffset.UtcNow, Outcome = ReleaseOutcome.Succeeded, StartedBy = "bench",
            };
            db.Releases.Add(release);
            await db.SaveChangesAsync();
            releaseOf[v] = release.Id;
        }
    }
    var manager = await portal.Services.GetRequiredService<CreateUser>().RunAsync("rm@bench.example.com", "Bench RM", [Roles.ReleaseManager], Acting.CommandLine, "Bench-password-1234");
    var token = await portal.Services.GetRequiredService<CreateToken>().RunAsync(Acting.CommandLine, "rm@bench.example.com", "bench", 1, [TokenScopes.Read, TokenScopes.Release]);
    if (manager.IsRefused || token.IsRefused) throw new InvalidOperationException(manager.Refusal?.Message ?? token.Refusal?.Message);
    client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Value!.Token);

    Console.WriteLine($"services {ourService} (portal) and {cliService} (docker CLI): 3 replicas, parallelism 1, delay {policy.DelaySeconds} s, monitor 2 s, stop-first");
    Console.WriteLine($"load average at start: {File.ReadAllText("/proc/loadavg").Trim()} (2 cores, shared)");
    for (var i = 0; i < repetitions + 1; i++) // round 0 warms both up (first pull of v2, JIT) and is not counted
    {
        var to = (i + 1) % 2; // v1 -> v2 -> v1 ...
        double a, b;
        (double Seconds, double NoticeMs) o;
        // Alternate which goes first, so neither always meets a busier engine.
        if (i % 2 == 0) { o = await OursAsync(to); b = Cli(to); }
        else { b = Cli(to); o = await OursAsync(to); }
        a = o.Seconds;
        if (i == 0) continue;
        ours.Add(a);
        reference.Add(b);
        noticed.Add(o.NoticeMs);
        Console.WriteLine($"round {i} (to {versions[to].Item1}): portal {a:0.000} s, docker service update {b:0.000} s, released {o.NoticeMs:0} ms after Swarm marked it completed");
    }
}
finally
{
    foreach (var name in new[] { ourService, cliService }) Docker($"service rm {name}", check: false);
    if (portal is not null) await portal.DisposeAsync();
    foreach (var f in new[] { database, database + "-wal", database + "-shm" }) File.Delete(f);
}

double Median(List<double> xs) { var s = xs.Order().ToList(); return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2; }
Console.WriteLine($"median portal rollout (restore request → release recorded): {Median(ours):0.000} s");
Console.WriteLine($"median docker service update --detach=false:            {Median(reference):0.000} s");
Console.WriteLine($"ratio portal/docker: {Median(ours) / Median(reference):0.000} (target <= 1.03)");
Console.WriteLine($"released after Swarm marked the update completed: median {Median(noticed):0} ms, max {noticed.Max():0} ms (target <= 250 ms; negative = before, once no failure could count any more)");

async Task<(double, double)> OursAsync(int to)
{
    var clock = Stopwatch.StartNew();
    var started = DateTimeOffset.UtcNow;
    using var response = await client.PostAsJsonAsync($"/api/v1/applications/{Slug}/restore", new { releaseId = releaseOf[to], reason = "bench" });
    if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"restore: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    while (true)
    {
        await using var db = dbs.CreateDbContext();
        var release = await db.Releases.Where(r => r.Kind == ReleaseKind.Restore && r.StartedAt >= started.AddSeconds(-1)).OrderByDescending(r => r.Id).FirstOrDefaultAsync();
        if (release is { Outcome: not ReleaseOutcome.Running })
        {
            clock.Stop();
            if (release.Outcome != ReleaseOutcome.Succeeded) throw new InvalidOperationException($"the rollout ended {release.Outcome}: {release.Message}");
            var seconds = clock.Elapsed.TotalSeconds;
            // Released once no failure can count against the update any more; Swarm flips its status a delay later (or
            // first, when the update has no delay): wait for its record of the completion to compare the two.
            var rollout = await db.Rollouts.SingleAsync(r => r.ReleaseId == release.Id);
            for (var i = 0; rollout.SwarmCompletedAt is null && i < 300; i++)
            {
                await Task.Delay(50);
                await using var again = dbs.CreateDbContext();
                rollout = await again.Rollouts.SingleAsync(r => r.ReleaseId == release.Id);
            }
            // Wall time to the moment we saw the release recorded (a 5 ms poll: conservative); the notice time is the portal's
            // own record of its decision against Swarm's record of the completion (one machine, one clock; negative = before).
            if (Environment.GetEnvironmentVariable("BENCH_STEPS") == "1")
                Console.WriteLine($"  portal: update started by Swarm {(rollout.UpdateStartedAt - started)?.TotalMilliseconds:0} ms after the request, " +
                                  $"Swarm's update took {(rollout.SwarmCompletedAt - rollout.UpdateStartedAt)?.TotalSeconds:0.000} s");
            return (seconds, rollout.SwarmCompletedAt is { } swarm ? (release.FinishedAt!.Value - swarm).TotalMilliseconds : double.NaN);
        }
        if (clock.Elapsed > TimeSpan.FromMinutes(3)) throw new TimeoutException("the portal's rollout did not end in 3 minutes");
        await Task.Delay(5);
    }
}

double Cli(int to)
{
    var started = DateTimeOffset.UtcNow;
    var clock = Stopwatch.StartNew();
    Docker($"service update --detach=false --quiet --image {ImageOf(to)} {cliService}");
    var seconds = clock.Elapsed.TotalSeconds;
    if (Environment.GetEnvironmentVariable("BENCH_STEPS") == "1")
    {
        // The command may end before Swarm marks the update completed (it stops once the tasks have looked stable for the
        // monitor period): then the completion is read when it comes.
        System.Text.Json.JsonElement status;
        while (!(status = System.Text.Json.JsonDocument.Parse(Docker($"service inspect --format \"{{{{json .UpdateStatus}}}}\" {cliService}")).RootElement)
                   .TryGetProperty("CompletedAt", out _))
            Thread.Sleep(50);
        var (from, to2) = (status.GetProperty("StartedAt").GetDateTimeOffset(), status.GetProperty("CompletedAt").GetDateTimeOffset());
        Console.WriteLine($"  docker: update started by Swarm {(from - started).TotalMilliseconds:0} ms after the command, Swarm's update took {(to2 - from).TotalSeconds:0.000} s, " +
                          $"the command ended {(started + TimeSpan.FromSeconds(seconds) - to2).TotalMilliseconds:0} ms after Swarm's completion");
    }
    return seconds;
}

string Docker(string arguments, bool check = true)
{
    var start = new ProcessStartInfo("docker", $"-H {dockerHost} {arguments}") { RedirectStandardOutput = true, RedirectStandardError = true };
    using var p = Process.Start(start)!;
    var output = p.StandardOutput.ReadToEnd();
    var error = p.StandardError.ReadToEnd();
    p.WaitForExit();
    if (check && p.ExitCode != 0) throw new InvalidOperationException($"docker {arguments}: {error}");
    return output;
}

sealed class Portal(string database, string dockerHost) : WebApplicationFactory<ReleaseGate.Web.Settings.PortalSettings> // any type of the portal's assembly
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("ReleaseGate:Database:ConnectionString", $"Data Source={database}");
        builder.UseSetting("ReleaseGate:TestEnvironment:DockerHost", dockerHost);
        builder.UseSetting("ReleaseGate:Swarm:DockerHost", dockerHost);
        builder.UseSetting("ReleaseGate:Jenkins:KeyId", "bench-jenkins");
        builder.UseSetting("ReleaseGate:Jenkins:Secret", "bench-secret-of-sufficient-length");
        builder.UseSetting("ReleaseGate:Jenkins:Applications", "*");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
    }
}
