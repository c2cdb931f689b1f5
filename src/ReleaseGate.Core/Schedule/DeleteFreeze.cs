using ReleaseGate.Core.Access;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Core.Schedule;

/// <summary>A release manager lifts a freeze: the cutoffs it held back go ahead from now on.</summary>
public sealed class DeleteFreeze(IDbContextFactory<ReleaseGateDb> dbs, TimeProvider time)
{
    public async Task<Outcome<Done>> RunAsync(int id, string actor, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await using var db = await dbs.CreateDbContextAsync(ct);
        if ((await Actor.ResolveAsync(db, actor, now, PortalAction.EditSchedule, ct)).Refusal is { } refused) return refused;
        var freeze = await db.Freezes.SingleOrDefaultAsync(f => f.Id == id, ct);
        if (freeze is null) return ScheduleRules.NotFound("freeze", "冻结期", id);
        if (freeze.DeclaredInFile) return ScheduleRules.ManagedByFile(freeze.Reason);
        db.Freezes.Remove(freeze);
        db.AuditEvents.Add(AuditEvent.ByUser(now, actor, "freeze.deleted", freeze.Reason, freeze.Describe()));
        await db.SaveChangesAsync(ct);
        return new Done();
    }
}
