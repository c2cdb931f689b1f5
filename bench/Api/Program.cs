// The people's API under load, as QA and their scripts use it: candidate reads (GET /api/v1/candidates/{id}) and
// sign-offs (POST /api/v1/candidates/{id}/approvals), with a personal access token, against
//   A. one portal process on SQLite (the default), and
//   B. two portal processes on one PostgreSQL (the scaled-out shape; requests alternate between them as a
//      round-robin proxy would send them).
// Prints requests per second, p50 and p99 of each workload in each setup, and B's ratio to A.
// Usage: dotnet run -c Release --project bench/Api [seconds per read run]   (scripts/infra.sh up first)
// Only 127.0.0.1; bounded: 16 readers for the given seconds (10 by default), 8 signers for at most 1,200 sign-offs.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Applications;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Data;
using ReleaseGate.Testing;

var seconds = args.Length > 0 ? int.Parse(args[0]) : 10;
const int Readers = 16, Signers = 8, SignOffs = 1200, Candidates = SignOffs + 200;
Console.WriteLine($"load average at start: {File.ReadAllText("/proc/loadavg").Trim()} ({Environment.ProcessorCount} cores)");

var sqliteFile = Path.Combine(Path.GetTempPath(), $"rg-bench-api-{Guid.NewGuid():N}.db");
var sqlite = await MeasureAsync("one replica, SQLite", 1, new()
{
    ["ReleaseGate__Database__ConnectionString"] = $"Data Source={sqliteFile}",
}, () => new ReleaseGateDb(new DbContextOptionsBuilder<ReleaseGateDb>().UseSqlite($"Data Source={sqliteFile};Pooling=False").Options));
foreach (var f in new[] { sqliteFile, sqliteFile + "-wal", sqliteFile + "-shm" }) File.Delete(f);

var database = PostgresServer.CreateEmptyDatabase();
try
{
    var connection = PostgresServer.ConnectionString(database);
    var postgres = await MeasureAsync("two replicas, PostgreSQL", 2, new()
    {
        ["ReleaseGate__Database__Provider"] = "Postgres",
        ["ReleaseGate__Database__ConnectionString"] = connection,
    }, () => new ReleaseGateDb(PostgresServer.Options(connection)));

    Console.WriteLine();
    Console.WriteLine($"{"",-28} {"reads/s",9} {"p50 ms",8} {"p99 ms",8}   {"sign-offs/s",11} {"p50 ms",8} {"p99 ms",8}");
    foreach (var r in new[] { sqlite, postgres })
        Console.WriteLine($"{r.Name,-28} {r.Reads.PerSecond,9:0} {r.Reads.P50,8:0.0} {r.Reads.P99,8:0.0}   {r.SignOffs.PerSecond,11:0} {r.SignOffs.P50,8:0.0} {r.SignOffs.P99,8:0.0}");
    Console.WriteLine($"two replicas on PostgreSQL / one on SQLite: reads {postgres.Reads.PerSecond / sqlite.Reads.PerSecond:0.00}× the rate (p99 {postgres.Reads.P99 / sqlite.Reads.P99:0.00}×), " +
                      $"sign-offs {postgres.SignOffs.PerSecond / sqlite.SignOffs.PerSecond:0.00}× the rate (p99 {postgres.SignOffs.P99 / sqlite.SignOffs.P99:0.00}×)");
}
finally
{
    PostgresServer.DropDatabase(database);
}

async Task<Result> MeasureAsync(string name, int replicas, Dictionary<string, string> environment, Func<ReleaseGateDb> db)
{
    // The API's own limits are for people and scripts; a benchmark of throughput lifts them.
    environment["ReleaseGate__Security__ApiCallsPerMinutePerKey"] = "1000000";
    environment["ReleaseGate__Security__ApiCallsPerMinutePerAddress"] = "1000000";
    // The QA and their token, through the portal's own command line (which also migrates the database).
    Admin(environment, "create-user", "--email", "qa@bench.example.com", "--roles", "QA");
    var token = Admin(environment, "create-token", "--email", "qa@bench.example.com", "--name", "bench", "--scopes", "read,sign-off").Trim();

    var ids = new List<(Guid Id, string Digest)>();
    await using (var context = db())
    {
        var app = new Application
        {
            Slug = "bench-api", StagingRepository = "127.0.0.1:5001/bench/api", ProductionRepository = "127.0.0.1:5002/bench/api", SwarmService = "",
        };
        context.Applications.Add(app);
        await context.SaveChangesAsync();
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < Candidates; i++)
        {
            var c = new Candidate
            {
                ApplicationId = app.Id, Version = $"1.0.{i}", Digest = $"sha256:{i:x64}", Commit = $"{i:x40}",
                SubmittedBy = "dev@bench.example.com", RegisteredAt = now.AddSeconds(-Candidates + i),
            };
            c.MoveTo(CandidatePhase.Deploying, now, "system", "bench");
            c.MoveTo(CandidatePhase.AwaitingSignOff, now, "system", "bench");
            context.Candidates.Add(c);
            ids.Add((c.Id, c.Digest));
        }
        await context.SaveChangesAsync();
    }

    // Each replica its own process and port (tests/Shared/PortalProcess.cs), as in production: quiet logs, Production.
    var replicaEnvironment = new Dictionary<string, string>(environment)
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production", ["Logging__LogLevel__Default"] = "Warning",
    };
    var portals = Enumerable.Range(0, replicas).Select(_ => PortalProcess.Start(replicaEnvironment)).ToList();
    try
    {
        foreach (var p in portals) await p.ReadyAsync(CancellationToken.None, seconds: 180);
        var clients = portals.Select(p => new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = p.Address }).ToList();
        foreach (var c in clients) c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        // Warm-up: JIT, connection pools, caches, on every replica.
        for (var i = 0; i < 200; i++)
            (await clients[i % clients.Count].GetAsync($"/api/v1/candidates/{ids[i % ids.Count].Id}")).EnsureSuccessStatusCode();

        var reads = await RunAsync(Readers, TimeSpan.FromSeconds(seconds), int.MaxValue, async (n, worker) =>
        {
            using var r = await clients[n % clients.Count].GetAsync($"/api/v1/candidates/{ids[Random.Shared.Next(ids.Count)].Id}");
            return r.StatusCode == HttpStatusCode.OK;
        });
        var queue = new ConcurrentQueue<(Guid Id, string Digest)>(ids.Skip(200).Take(SignOffs));
        var signOffs = await RunAsync(Signers, TimeSpan.FromSeconds(seconds * 3), SignOffs, async (n, worker) =>
        {
            if (!queue.TryDequeue(out var c)) return true;
            using var r = await clients[n % clients.Count].PostAsJsonAsync($"/api/v1/candidates/{c.Id}/approvals", new { digest = c.Digest, comment = "bench" });
            return r.StatusCode == HttpStatusCode.Created;
        });
        Console.WriteLine($"{name}: {reads.Count} reads, {reads.Failed} not 200; {signOffs.Count} sign-offs, {signOffs.Failed} not 201");
        return new Result(name, reads, signOffs);
    }
    finally
    {
        foreach (var p in portals) await p.DisposeAsync();
    }
}

// Workers share one counter of requests; each request is timed on its own.
static async Task<Workload> RunAsync(int workers, TimeSpan limit, int maxRequests, Func<int, int, Task<bool>> request)
{
    var latencies = new ConcurrentBag<double>();
    var failed = 0;
    var issued = 0;
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
    {
        while (clock.Elapsed < limit)
        {
            var n = Interlocked.Increment(ref issued);
            if (n > maxRequests) break;
            var start = Stopwatch.GetTimestamp();
            if (!await request(n, w)) Interlocked.Increment(ref failed);
            latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
    })));
    var elapsed = clock.Elapsed.TotalSeconds;
    var sorted = latencies.Order().ToArray();
    return new Workload(sorted.Length, failed, sorted.Length / elapsed, sorted[sorted.Length / 2], sorted[(int)(sorted.Length * 0.99)]);
}

static string Admin(Dictionary<string, string> environment, params string[] arguments)
{
    var start = new ProcessStartInfo("dotnet") { WorkingDirectory = AppContext.BaseDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "ReleaseGate.Web.dll"), "admin" }.Concat(arguments)) start.ArgumentList.Add(a);
    foreach (var (key, value) in environment) start.Environment[key] = value;
    using var p = Process.Start(start)!;
    var output = p.StandardOutput.ReadToEndAsync();
    var error = p.StandardError.ReadToEndAsync();
    p.WaitForExit();
    if (p.ExitCode != 0) throw new InvalidOperationException($"releasegate admin {string.Join(' ', arguments)}: {error.Result}");
    return output.Result;
}

record Workload(int Count, int Failed, double PerSecond, double P50, double P99);

record Result(string Name, Workload Reads, Workload SignOffs);
