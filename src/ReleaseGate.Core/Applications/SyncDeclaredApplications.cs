using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Core.Applications;

/// <summary>Creates or updates the applications a team declares in its file; the file wins over portal edits.</summary>
public sealed class SyncDeclaredApplications(IDbContextFactory<ReleaseGateDb> dbs, TimeProvider time)
{
    public async Task<(int Created, int Updated)> RunAsync(IReadOnlyList<Application> declared, string source, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var slugs = declared.Select(d => d.Slug).ToList();
        var existing = await db.Applications.Where(a => slugs.Contains(a.Slug)).ToDictionaryAsync(a => a.Slug, ct);
        var (created, updated) = (0, 0);
        var now = time.GetUtcNow();
        foreach (var d in declared)
        {
            d.ManagedByFile = true;
            if (existing.TryGetValue(d.Slug, out var current))
            {
                current.CopySettingsFrom(d);
                current.ManagedByFile = true;
                updated++;
                db.AuditEvents.Add(AuditEvent.BySystem(now, "application.synced", d.Slug, $"from {source}"));
            }
            else
            {
                db.Applications.Add(d);
                created++;
                db.AuditEvents.Add(AuditEvent.BySystem(now, "application.created", d.Slug, $"from {source}"));
            }
        }
        await db.SaveChangesAsync(ct);
        return (created, updated);
    }
}
