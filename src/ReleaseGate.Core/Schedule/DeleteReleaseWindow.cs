using ReleaseGate.Core.Access;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Core.Schedule;

/// <summary>A release manager removes a window; candidates that targeted it wait for whichever window comes next.</summary>
public sealed class DeleteReleaseWindow(IDbContextFactory<ReleaseGateDb> dbs, TimeProvider time)
{
    public async Task<Outcome<Done>> RunAsync(int id, string actor, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await using var db = await dbs.CreateDbContextAsync(ct);
        if ((await Actor.ResolveAsync(db, actor, now, PortalAction.EditSchedule, ct)).Refusal is { } refused) return refused;
        var window = await db.ReleaseWindows.SingleOrDefaultAsync(w => w.Id == id, ct);
        if (window is null) return ScheduleRules.NotFound("release window", "发布窗口", id);
        // The file would bring it back at the next start.
        if (window.DeclaredInFile) return ScheduleRules.ManagedByFile(window.Name);

        // One transaction: the bulk update below does not wait for SaveChanges.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Candidates.Where(c => c.TargetWindowId == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.TargetWindowId, (int?)null), ct);
        db.CutoffOverrides.RemoveRange(await db.CutoffOverrides.Where(o => o.WindowId == id).ToListAsync(ct));
        db.ReleaseWindows.Remove(window);
        db.AuditEvents.Add(AuditEvent.ByUser(now, actor, "window.deleted", window.Name));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new Done();
    }
}
