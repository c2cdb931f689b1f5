using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Web.Observability;

/// <summary>
/// Candidates by phase and unsent mail, read in two small queries and kept for a few seconds: a scrape (or an OTLP
/// export) every few seconds, with every phase a series, costs at most one read of the database per <see cref="MaxAge"/>.
/// </summary>
public sealed class GateCounts(IDbContextFactory<ReleaseGateDb> dbs, TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);

    public sealed record Snapshot(DateTimeOffset At, IReadOnlyDictionary<CandidatePhase, int> ByPhase, int UnsentMail);

    private readonly Lock gate = new();
    private Snapshot? last;

    public Snapshot Read()
    {
        lock (gate)
        {
            var now = time.GetUtcNow();
            if (last is { } cached && now - cached.At < MaxAge) return cached;
            return last = Load(now);
        }
    }

    private Snapshot Load(DateTimeOffset now)
    {
        // Gauges are read synchronously by the exporter; SQLite answers these from its indexes in well under a millisecond.
        using var db = dbs.CreateDbContext();
        var counted = db.Candidates.GroupBy(c => c.Phase).Select(g => new { Phase = g.Key, Count = g.Count() })
            .ToDictionary(x => x.Phase, x => x.Count);
        // Every phase is a series, at zero too, so an alert on one never sees it vanish.
        var byPhase = Enum.GetValues<CandidatePhase>().ToDictionary(p => p, p => counted.GetValueOrDefault(p));
        return new Snapshot(now, byPhase, db.Outbox.Count(m => m.SentAt == null));
    }
}
