using ReleaseGate.Core.Access;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Core.Users;

/// <summary>The owner or an admin revokes a token; the next call with it is refused.</summary>
public sealed class RevokeToken(IDbContextFactory<ReleaseGateDb> dbs, TimeProvider time)
{
    public async Task<Outcome<Done>> RunAsync(Guid tokenId, Acting by, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var resolved = await Actor.ResolveAsync(db, by, now, ct);
        if (resolved.Refusal is { } refusal) return refusal;
        var actor = resolved.Value!;
        var token = await db.PersonalAccessTokens.SingleOrDefaultAsync(t => t.Id == tokenId, ct);
        if (token is null) return new Refusal(RefusalCode.NotFound, "id", "There is no such token.", "该令牌不存在。");
        if (token.UserId != actor.UserId && !actor.May(PortalAction.ManageUsers))
            return new Refusal(RefusalCode.MissingRole, "", "Only the token's owner or an admin can revoke it.", "只有令牌所有者或管理员可以吊销它。");
        if (token.RevokedAt is not null) return new Done();

        token.RevokedAt = now;
        token.RevokedBy = actor.UserName;
        var owner = await db.Users.Where(u => u.Id == token.UserId).Select(u => u.Email ?? u.UserName).SingleOrDefaultAsync(ct);
        db.AuditEvents.Add(AuditEvent.ByActor(now, actor, "token.revoked", owner ?? token.UserId, $"{token.Prefix}… \"{token.Name}\""));
        await db.SaveChangesAsync(ct);
        return new Done();
    }
}
