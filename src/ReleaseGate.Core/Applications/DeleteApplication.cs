using ReleaseGate.Core.Access;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Core.Applications;

/// <summary>Removes an application made by mistake: only one that never had a candidate, so no history is lost.</summary>
public sealed class DeleteApplication(IDbContextFactory<ReleaseGateDb> dbs, TimeProvider time)
{
    public async Task<Outcome<Done>> RunAsync(int id, string user, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        if ((await Actor.ResolveAsync(db, user, time.GetUtcNow(), PortalAction.ManageApplications, ct)).Refusal is { } refusal) return refusal;
        var app = await db.Applications.SingleOrDefaultAsync(a => a.Id == id, ct);
        if (app is null)
            return new Refusal(RefusalCode.NotFound, "", $"There is no application {id}; it may have been deleted already.", $"应用 {id} 不存在,可能已被删除。");
        // The file would bring it back at the next start.
        if (app.ManagedByFile)
            return new Refusal(RefusalCode.ManagedByFile, "", $"'{app.Slug}' is declared in the applications file; remove it there, in Git.", $"'{app.Slug}' 在应用配置文件中声明,请在 Git 中删除。");
        if (await db.Candidates.AnyAsync(c => c.ApplicationId == id, ct) || await db.Releases.AnyAsync(r => r.ApplicationId == id, ct))
            return new Refusal(RefusalCode.WrongPhase, "", $"'{app.Slug}' has candidates or releases; their history stays, so the application does too.", $"'{app.Slug}' 已有候选版本或发布记录;历史需要保留,因此应用也要保留。");

        db.Applications.Remove(app);
        db.AuditEvents.Add(AuditEvent.ByUser(time.GetUtcNow(), user, "application.deleted", app.Slug));
        await db.SaveChangesAsync(ct);
        return new Done();
    }
}
