// Board circuits: memory a portal holds per open board tab. The portal runs as its own process (Release build, SQLite
// in a temp folder, a seeded admin and a few applications); N real Blazor Server circuits of the board are opened at once
// over SignalR, as blazor.web.js opens them, and the portal's RSS (after a full GC) is compared with its idle reading.
// Usage: dotnet run -c Release --project bench/Circuits [-- circuits]   (200 by default, at most 400; 127.0.0.1 only)
using System.Diagnostics;
using System.Globalization;
using Circuits;

const double TargetKiB = 512;
const int Warmup = 40;
var n = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
if (n is < 1 or > 400) throw new ArgumentOutOfRangeException(nameof(args), "between 1 and 400 circuits");
using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(15));
var ct = limit.Token;

await using var portal = new Portal();
await portal.StartAsync(applications: 12, ct);
var empty = await portal.MeasureAsync(ct);
await portal.SignInAsync(ct);
Console.WriteLine($"portal pid {portal.Pid} at {portal.Address}; started: RSS {empty.RssKiB / 1024.0:F1} MiB, GC heap {empty.GcHeapKiB / 1024.0:F1} MiB");

var circuits = new List<BoardCircuit>();
try
{
    // Warm-up: enough circuits that the board, MudBlazor and SignalR reach their final (tier-1) code, which is memory the
    // process spends once, not per circuit; they stay open, so idle and loaded differ by N circuits only.
    await OpenAsync(Warmup);
    await Task.Delay(TimeSpan.FromSeconds(5), ct);
    var idle = await portal.MeasureAsync(ct);
    var idleMappings = portal.Mappings();
    var idleTypes = HeapTypes.Wanted ? HeapTypes.Take(portal.Pid, portal.Folder, "idle") : null;
    Console.WriteLine($"idle ({Warmup} warm-up circuits open): RSS {idle.RssKiB / 1024.0:F1} MiB, GC heap {idle.GcHeapKiB / 1024.0:F1} MiB (committed {idle.GcCommittedKiB / 1024.0:F1} MiB), active circuits {idle.ActiveCircuits}, full GCs {idle.FullGcs}");

    var opening = Stopwatch.StartNew();
    await OpenAsync(n);
    Console.WriteLine($"opened {n} board circuits at once in {opening.Elapsed.TotalSeconds:F1} s (each rendered the board's rows; "
        + $"{circuits.Sum(c => c.Batches)} render batches acknowledged)");
    await Task.Delay(TimeSpan.FromSeconds(5), ct);
    var loaded = await portal.MeasureAsync(ct);
    Console.WriteLine($"with {n} more: RSS {loaded.RssKiB / 1024.0:F1} MiB, GC heap {loaded.GcHeapKiB / 1024.0:F1} MiB (committed {loaded.GcCommittedKiB / 1024.0:F1} MiB), active circuits {loaded.ActiveCircuits}, full GCs {loaded.FullGcs}");
    var loadedMappings = portal.Mappings();
    Console.WriteLine("resident growth per circuit by mapping: " + string.Join(", ", loadedMappings
        .Select(m => (m.Key, PerCircuit: (m.Value - idleMappings.GetValueOrDefault(m.Key)) / (double)n)).Where(m => Math.Abs(m.PerCircuit) >= 1)
        .OrderByDescending(m => m.PerCircuit).Select(m => $"{m.Key} {m.PerCircuit:F0} KiB")));
    if (idleTypes is not null) HeapTypes.PrintGrowth(idleTypes, HeapTypes.Take(portal.Pid, portal.Folder, "loaded"), n);
    Console.WriteLine("JS calls per circuit: " + string.Join(", ", BoardCircuit.JsCalls.OrderByDescending(c => c.Value).Select(c => $"{c.Key} {c.Value / (double)circuits.Count:F1}")));
    var failed = circuits.Count(c => c.Error is not null);
    if (failed > 0) throw new InvalidOperationException($"{failed} circuits failed: {circuits.First(c => c.Error is not null).Error}");

    var perRss = (loaded.RssKiB - idle.RssKiB) / (double)n;
    var perHeap = (loaded.GcHeapKiB - idle.GcHeapKiB) / (double)n;
    Console.WriteLine($"per board circuit: {perRss:F0} KiB RSS ({perRss / TargetKiB:F2} × the {TargetKiB:F0} KiB target), {perHeap:F0} KiB of GC heap");
    Console.WriteLine($"projection for 1,000 circuits: RSS {(idle.RssKiB + 1000 * perRss) / 1024:F0} MiB (idle {idle.RssKiB / 1024.0:F0} MiB + 1,000 × {perRss:F0} KiB)");
}
finally
{
    await Task.WhenAll(circuits.Select(c => c.DisposeAsync().AsTask()));
}

async Task OpenAsync(int count)
{
    // All at once, as after a deploy when every tab reconnects; bounded only so the two shared cores are not swamped by handshakes.
    using var gate = new SemaphoreSlim(32);
    var opened = Enumerable.Range(0, count).Select(async _ =>
    {
        await gate.WaitAsync(ct);
        try
        {
            var circuit = new BoardCircuit(portal.Address, portal.Cookies);
            lock (circuits) circuits.Add(circuit);
            await circuit.OpenAsync(portal.Http, TimeSpan.FromSeconds(120), ct);
        }
        finally
        {
            gate.Release();
        }
    });
    await Task.WhenAll(opened);
}
