// Measures, in one run and on the same engine and image, how long a candidate takes from its
// registration (signed POST) to AwaitingSignOff, against the reference a person would use by hand:
// `docker rm -f` of the previous container + `docker run` + polling the same health URL.
// Usage: dotnet run -c Release --project bench/Deployment [repetitions]   (scripts/infra.sh up first)
// BENCH_STEPS=1 also prints when each step of our deployment began, to see where time goes.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReleaseGate.Core.Applications;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Data;

// The portal runs from its project folder (static assets, content root), found above this program.
var repo = new DirectoryInfo(AppContext.BaseDirectory);
while (!File.Exists(Path.Combine(repo.FullName, "ReleaseGate.sln"))) repo = repo.Parent!;
Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_RELEASEGATE_WEB", Path.Combine(repo.FullName, "src", "ReleaseGate.Web"));

var repetitions = args.Length > 0 ? int.Parse(args[0]) : 7;
var env = File.ReadAllLines("/var/lib/releasegate-infra/infra.env").Where(l => l.Contains('=') && !l.StartsWith('#'))
    .Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
var dockerHost = env["DOCKER_HOST"];
var digest = env["RG_IMAGE_WEB_V1_DIGEST"];
var image = $"127.0.0.1:5001/demo/web@{digest}";
const string keyId = "bench-jenkins", secret = "bench-secret-of-sufficient-length";
var oursPort = FreePort();
var referencePort = FreePort();
var database = Path.Combine(Path.GetTempPath(), $"rg-bench-{Guid.NewGuid():N}.db");

await using var portal = new Portal(database, dockerHost, keyId, secret);
var client = portal.CreateClient();
await using (var db = portal.Services.GetRequiredService<IDbContextFactory<ReleaseGateDb>>().CreateDbContext())
{
    db.Applications.Add(new Application
    {
        Slug = "bench-web", StagingRepository = "127.0.0.1:5001/demo/web", ProductionRepository = "127.0.0.1:5002/bench-web",
        SwarmService = "bench-web", TestEnvironment = new TestEnvironmentSpec { ContainerName = "bench-web-test", PublishedPort = oursPort, HealthPath = "/health" },
    });
    await db.SaveChangesAsync();
}
Docker($"pull {image}"); // both start with the image on the host

var ours = new List<double>();
var reference = new List<double>();
for (var i = 0; i < repetitions + 1; i++) // the first round warms both up and is not counted
{
    var a = await OursAsync(i);
    var b = await ReferenceAsync();
    if (i == 0) continue;
    ours.Add(a);
    reference.Add(b);
    Console.WriteLine($"round {i}: ours {a:0.000} s, docker run {b:0.000} s");
}
Docker("rm -f bench-web-test bench-reference", check: false);

double Median(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);
Console.WriteLine($"image: {image}");
Console.WriteLine($"median registration → AwaitingSignOff: {Median(ours):0.000} s");
Console.WriteLine($"median docker rm + docker run + health: {Median(reference):0.000} s");
Console.WriteLine($"ratio ours/reference: {Median(ours) / Median(reference):0.00} (target ≤ 1.10)");
foreach (var f in new[] { database, database + "-wal", database + "-shm" }) File.Delete(f);

async Task<double> OursAsync(int build)
{
    var body = new JsonObject
    {
        ["application"] = "bench-web", ["image"] = "127.0.0.1:5001/demo/web:v1", ["commit"] = "9fceb02d0ae598e95dc970b74767f19372d61af8",
        ["buildNumber"] = build, ["buildUrl"] = $"https://jenkins.example.com/job/bench/{build}/", ["submittedBy"] = "bench@example.com",
    }.ToJsonString();
    var bytes = Encoding.UTF8.GetBytes(body);
    var t = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
    // v2: time, method, path, query and the body's hash (as scripts/jenkins/releasegate.sh signs).
    var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret),
        Encoding.UTF8.GetBytes($"v2\n{t}\nPOST\n/api/v1/candidates\n\n{Convert.ToHexStringLower(SHA256.HashData(bytes))}")));
    var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/candidates") { Content = new ByteArrayContent(bytes) };
    request.Content.Headers.ContentType = new("application/json");
    request.Headers.Add("X-ReleaseGate-Key", keyId);
    request.Headers.Add("X-ReleaseGate-Signature", $"t={t},v2={signature}");
    request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());

    var clock = Stopwatch.StartNew();
    var response = await client.SendAsync(request);
    var id = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
    var registered = clock.Elapsed.TotalSeconds;
    var factory = portal.Services.GetRequiredService<IDbContextFactory<ReleaseGateDb>>();
    string? lastStep = null;
    var steps = new List<string> { $"registered {registered:0.000}" };
    while (true)
    {
        await using var db = factory.CreateDbContext();
        var state = await db.Candidates.Where(c => c.Id == id).Select(c => new { c.Phase, c.Progress }).SingleAsync();
        var phase = state.Phase;
        if (state.Progress != lastStep && state.Progress is not null) { lastStep = state.Progress; steps.Add($"{state.Progress.Split(' ')[0]} {clock.Elapsed.TotalSeconds:0.000}"); }
        if (phase == CandidatePhase.AwaitingSignOff)
        {
            if (Environment.GetEnvironmentVariable("BENCH_STEPS") == "1") Console.WriteLine("  " + string.Join(", ", steps));
            return clock.Elapsed.TotalSeconds;
        }
        if (phase == CandidatePhase.DeployFailed)
            throw new InvalidOperationException("the deployment failed: " + string.Join(" | ",
                await db.CandidateEvents.Where(e => e.CandidateId == id).OrderBy(e => e.Id).Select(e => e.Message).ToListAsync()));
        await Task.Delay(2);
    }
}

async Task<double> ReferenceAsync()
{
    using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
    var clock = Stopwatch.StartNew();
    Docker("rm -f bench-reference", check: false);
    Docker($"run -d --name bench-reference -p {referencePort}:8080 {image}");
    while (true)
    {
        try
        {
            if ((await http.GetAsync($"http://127.0.0.1:{referencePort}/health")).IsSuccessStatusCode) return clock.Elapsed.TotalSeconds;
        }
        catch (HttpRequestException) { }
        await Task.Delay(5);
    }
}

void Docker(string arguments, bool check = true)
{
    var start = new ProcessStartInfo("docker", $"-H {dockerHost} {arguments}") { RedirectStandardOutput = true, RedirectStandardError = true };
    using var p = Process.Start(start)!;
    p.WaitForExit();
    if (check && p.ExitCode != 0) throw new InvalidOperationException($"docker {arguments}: {p.StandardError.ReadToEnd()}");
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

sealed class Portal(string database, string dockerHost, string keyId, string secret) : WebApplicationFactory<ReleaseGate.Web.Settings.PortalSettings> // any type of the portal's assembly
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("ReleaseGate:Database:ConnectionString", $"Data Source={database}");
        builder.UseSetting("ReleaseGate:TestEnvironment:DockerHost", dockerHost);
        builder.UseSetting("ReleaseGate:Jenkins:KeyId", keyId);
        builder.UseSetting("ReleaseGate:Jenkins:Secret", secret);
        builder.UseSetting("ReleaseGate:Jenkins:Applications", "*");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
    }
}
