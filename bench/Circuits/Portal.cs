using System.Diagnostics.Tracing;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Applications;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Schedule;
using ReleaseGate.Testing;

namespace Circuits;

/// <summary>The portal as its own process (tests/Shared/PortalProcess.cs, SQLite in a temp folder), and readings of its memory.</summary>
public sealed partial class Portal : IAsyncDisposable
{
    public const string Email = "bench-admin@example.com";
    public const string Password = "Bench-admin-pass-1";

    private readonly string folder = Path.Combine(Path.GetTempPath(), $"rg-bench-circuits-{Guid.NewGuid():N}");
    public string Folder => folder;
    private PortalProcess? process;

    public Uri Address => process!.Address;
    public CookieContainer Cookies { get; } = new();
    public HttpClient Http { get; private set; } = null!;
    public int Pid => process!.Pid;

    /// <summary>Migrates and seeds the database, then starts the portal on it and waits until it is ready.</summary>
    public async Task StartAsync(int applications, CancellationToken ct)
    {
        Directory.CreateDirectory(folder);
        var connection = $"Data Source={Path.Combine(folder, "releasegate.db")}";
        await SeedAsync(connection, applications, ct);
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Logging__LogLevel__Default"] = "Warning",
            ["ReleaseGate__Database__ConnectionString"] = connection,
            ["ReleaseGate__Admin__Email"] = Email,
            ["ReleaseGate__Admin__Password"] = Password,
            // Nothing outside the process is touched: no engine at these sockets, nobody at the mail port.
            ["ReleaseGate__TestEnvironment__DockerHost"] = $"unix://{folder}/no-docker.sock",
            ["ReleaseGate__Swarm__DockerHost"] = $"unix://{folder}/no-docker.sock",
            // For the server's own count of circuits and its GC heap.
            ["ReleaseGate__Telemetry__Metrics"] = "true",
        };
        // BENCH_GC=workstation|server overrides the portal's own GC setting, to compare the two.
        if (Environment.GetEnvironmentVariable("BENCH_GC") is { Length: > 0 } gcMode) environment["DOTNET_gcServer"] = gcMode == "server" ? "1" : "0";
        process = PortalProcess.Start(environment);
        Http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false }) { BaseAddress = Address };
        await process.ReadyAsync(ct, seconds: 180);
    }

    /// <summary>Signs in through the login form (antiforgery token and all); the cookie serves every circuit.</summary>
    public async Task SignInAsync(CancellationToken ct)
    {
        var form = await Http.GetStringAsync("account/login", ct);
        string Hidden(string name) => Regex.Match(form, $"name=\"{name}\" value=\"([^\"]*)\"").Groups[1].Value;
        var response = await Http.PostAsync("account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = Hidden("_handler"), ["__RequestVerificationToken"] = Hidden("__RequestVerificationToken"),
            ["Input.Email"] = Email, ["Input.Password"] = Password,
        }), ct);
        if (response.StatusCode != HttpStatusCode.Redirect || Cookies.GetCookies(Address)["releasegate.auth"] is null)
            throw new InvalidOperationException($"sign-in failed: {(int)response.StatusCode}");
    }

    public sealed record Memory(long RssKiB, long GcHeapKiB, long GcCommittedKiB, double ActiveCircuits, double FullGcs);

    /// <summary>A full, blocking GC in the portal (the runtime does one when a session asks for the GC heap), then RSS and the heap.</summary>
    public async Task<Memory> MeasureAsync(CancellationToken ct)
    {
        const long gc = 0x1, gcHeapCollect = 0x800000;
        var client = new DiagnosticsClient(Pid);
        using (var session = client.StartEventPipeSession(
                   new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, gc | gcHeapCollect), requestRundown: false))
        {
            var drain = session.EventStream.CopyToAsync(Stream.Null, ct);
            await Task.Delay(TimeSpan.FromSeconds(2), ct);
            await session.StopAsync(ct);
            await drain;
        }
        await Task.Delay(TimeSpan.FromSeconds(1), ct);
        var status = await File.ReadAllTextAsync($"/proc/{Pid}/status", ct);
        var rss = long.Parse(Regex.Match(status, @"VmRSS:\s+(\d+) kB").Groups[1].Value);
        // The exporter keeps a scrape for a moment; wait past it so the heap is the one after our GC.
        await Task.Delay(TimeSpan.FromSeconds(1), ct);
        var metrics = Prometheus(await Http.GetStringAsync("metrics", ct));
        var heap = metrics.Where(m => m.Name == "dotnet_gc_last_collection_heap_size_bytes").Sum(m => m.Value);
        var committed = metrics.Where(m => m.Name == "dotnet_gc_last_collection_memory_committed_size_bytes").Sum(m => m.Value);
        var active = metrics.Where(m => m.Name.StartsWith("aspnetcore_components_circuit_active", StringComparison.Ordinal)).Sum(m => m.Value);
        var full = metrics.Where(m => m.Name == "dotnet_gc_collections_total" && m.Labels.Contains("gen2")).Sum(m => m.Value);
        return new Memory(rss, (long)(heap / 1024), (long)(committed / 1024), active, full);
    }

    /// <summary>
    /// Resident KiB by mapping (/proc/pid/smaps): files by name, anonymous memory by the size of its mapping, which tells
    /// the GC's reservation from thread stacks (8 MiB) and glibc's malloc arenas (64 MiB) apart.
    /// </summary>
    public Dictionary<string, long> Mappings()
    {
        var byName = new Dictionary<string, long>();
        string? key = null;
        foreach (var line in File.ReadLines($"/proc/{Pid}/smaps"))
        {
            var header = MappingHeader().Match(line);
            if (header.Success)
            {
                var size = (Convert.ToInt64(header.Groups[2].Value, 16) - Convert.ToInt64(header.Groups[1].Value, 16)) / 1024;
                var name = header.Groups[3].Value.Trim();
                key = name.Length > 0 ? Path.GetFileName(name) : size switch
                {
                    < 1024 => "anon < 1 MiB", < 16 * 1024 => "anon 1-16 MiB (thread stacks)", < 256 * 1024 => "anon 16-256 MiB (malloc arenas)", _ => "anon ≥ 256 MiB (GC)",
                };
            }
            else if (key is not null && line.StartsWith("Rss:", StringComparison.Ordinal))
            {
                byName[key] = byName.GetValueOrDefault(key) + long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
            }
        }
        return byName;
    }

    [GeneratedRegex(@"^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$")]
    private static partial Regex MappingHeader();

    private static List<(string Name, string Labels, double Value)> Prometheus(string text) =>
        text.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => (Name: l[..l.IndexOfAny(['{', ' '])], Labels: l[..l.LastIndexOf(' ')],
                Value: double.Parse(l.Split(' ')[^1], System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();

    /// <summary>
    /// A few applications, each with a candidate in play, so the board has rows (and a needs-action row or two), and a
    /// cutoff in three days, so each row counts down by the second as a team's board does.
    /// </summary>
    private static async Task SeedAsync(string connection, int applications, CancellationToken ct)
    {
        var options = new DbContextOptionsBuilder<ReleaseGateDb>().UseSqlite(connection, o => o.MigrationsAssembly("ReleaseGate.Migrations")).Options;
        await using var db = new ReleaseGateDb(options);
        await db.Database.MigrateAsync(ct);
        var now = DateTimeOffset.UtcNow;
        for (var a = 1; a <= applications; a++)
        {
            var app = new Application
            {
                Slug = $"app-{a:00}", DisplayName = $"Application {a}", StagingRepository = $"127.0.0.1:5001/app-{a:00}",
                ProductionRepository = $"127.0.0.1:5002/app-{a:00}", SwarmService = $"app-{a:00}",
                TestEnvironment = new TestEnvironmentSpec { ContainerName = $"app-{a:00}-test", PublishedPort = 21000 + a, HealthPath = "/health" },
                TeamEmails = ["team@example.com"], QaEmails = ["qa@example.com"],
            };
            var candidate = new Candidate
            {
                Application = app, Version = $"1.{a}.0", Digest = $"sha256:{a:x64}", Commit = $"{a:x40}", BuildNumber = 100 + a,
                SubmittedBy = "dev@example.com", RegisteredAt = now.AddHours(-a), Changes = [new CommitChange($"{a:x7}", "dev@example.com", $"Change {a}")],
            };
            candidate.Record(now.AddHours(-a), CandidateEventKinds.Of(CandidatePhase.Registered), "bench", "Registered.");
            candidate.MoveTo(CandidatePhase.Deploying, now.AddHours(-a).AddMinutes(1), "system", "Deploying.");
            candidate.MoveTo(a % 4 == 0 ? CandidatePhase.DeployFailed : CandidatePhase.AwaitingSignOff, now.AddHours(-a).AddMinutes(3), "system", "Deployed.");
            db.Candidates.Add(candidate);
        }
        db.ReleaseWindows.Add(new ReleaseWindow { Name = "bench", CutoffAt = now.AddDays(3) });
        await db.SaveChangesAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (process is not null) await process.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
    }
}
