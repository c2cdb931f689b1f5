using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Core.Users;

/// <summary>
/// The acting person as the database knows them now: a role taken away or an account disabled a minute
/// ago counts, whatever the caller's cookie or token still says.
/// </summary>
internal static class Actors
{
    /// <summary>Null when <paramref name="userName"/> exists, is enabled and holds <paramref name="role"/>; else why not.</summary>
    public static async Task<Refusal?> RefuseUnlessAsync(ReleaseGateDb db, string userName, string role, DateTimeOffset now, CancellationToken ct)
    {
        var normalized = userName.ToUpperInvariant();
        var user = await db.Users.AsNoTracking().Where(u => u.NormalizedUserName == normalized)
            .Select(u => new { u.LockoutEnd }).SingleOrDefaultAsync(ct);
        if (user is null)
            return new Refusal(RefusalCode.UnknownActor, "", $"There is no user '{userName}'.", $"用户 '{userName}' 不存在。");
        if (user.LockoutEnd is { } end && end > now)
            return new Refusal(RefusalCode.AccountDisabled, "", $"The account '{userName}' is disabled.", $"账号 '{userName}' 已停用。");
        if (!await UserRoles.HasAnyAsync(db, userName, [role], ct))
            return new Refusal(RefusalCode.MissingRole, "", $"This needs the role {role}.", $"此操作需要 {role} 角色。");
        return null;
    }
}
