using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Web.Security;

/// <summary>
/// Refusals of callers we could not authenticate (bad signature, too many calls) are counted, not written one row
/// each: the first from an address in a minute is audited in full, the rest of that minute as one summary row.
/// A flood so costs the audit chain two rows a minute per address instead of one per request.
/// </summary>
public sealed class RefusalTally(IDbContextFactory<ReleaseGateDb> dbs, TimeProvider time, ILogger<RefusalTally> log) : BackgroundService
{
    // Beyond this many addresses in a minute, the rest share one row: the tally itself must not be a way to exhaust memory.
    private const int MaxSources = 10_000;
    private const string Overflow = "(other addresses)";
    private readonly ConcurrentDictionary<(string Source, long Minute), Bucket> buckets = new();

    private sealed class Bucket
    {
        public int Count;
        public readonly ConcurrentDictionary<int, int> ByStatus = new();
    }

    /// <summary>Counts one refusal; true when it is the first from <paramref name="source"/> this minute (audit it in full).</summary>
    public bool Count(string source, int status)
    {
        var minute = time.GetUtcNow().ToUnixTimeSeconds() / 60;
        if (buckets.Count >= MaxSources && !buckets.ContainsKey((source, minute))) source = Overflow;
        var bucket = buckets.GetOrAdd((source, minute), _ => new Bucket());
        bucket.ByStatus.AddOrUpdate(status, 1, (_, n) => n + 1);
        return Interlocked.Increment(ref bucket.Count) == 1;
    }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5), time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct)) await FlushAsync(final: false);
        }
        catch (OperationCanceledException)
        {
        }
        await FlushAsync(final: true);
    }

    /// <summary>Writes one summary row for each finished minute (every minute, on shutdown) that had more than its first refusal.</summary>
    public async Task FlushAsync(bool final)
    {
        var current = time.GetUtcNow().ToUnixTimeSeconds() / 60;
        var done = buckets.Keys.Where(k => final || k.Minute < current).ToList();
        if (done.Count == 0) return;
        try
        {
            await using var db = await dbs.CreateDbContextAsync();
            foreach (var key in done)
            {
                if (!buckets.TryRemove(key, out var bucket) || bucket.Count <= 1) continue;
                var from = DateTimeOffset.FromUnixTimeSeconds(key.Minute * 60);
                var statuses = string.Join(", ", bucket.ByStatus.OrderBy(s => s.Key).Select(s => $"{s.Key} ×{s.Value}"));
                db.AuditEvents.Add(AuditEvent.ByIntegration(time.GetUtcNow(), "(unauthenticated)", "api.refused.summary", key.Source,
                    $"{bucket.Count} refusals from {key.Source} in the minute from {from:yyyy-MM-dd HH:mm} UTC ({statuses}); the first is audited on its own."));
            }
            await db.SaveChangesAsync();
        }
        catch (Exception e)
        {
            log.LogError(e, "Could not write the summary of refused calls");
        }
    }
}
