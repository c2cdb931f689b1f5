using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Core.Users;

/// <summary>Roles read where the use cases enforce them, so a rule never rests on a hidden button alone.</summary>
internal static class UserRoles
{
    public static async Task<bool> HasAnyAsync(ReleaseGateDb db, string userName, IReadOnlyCollection<string> roles, CancellationToken ct)
    {
        var normalized = userName.ToUpperInvariant();
        return await db.Users.Where(u => u.NormalizedUserName == normalized)
            .Join(db.UserRoles, u => u.Id, ur => ur.UserId, (_, ur) => ur.RoleId)
            .Join(db.Roles, id => id, r => r.Id, (_, r) => r.Name)
            .AnyAsync(name => roles.Contains(name!), ct);
    }
}

/// <summary>A use case refused because the acting user lacks the role it needs.</summary>
public sealed class MissingRoleException(string user, IEnumerable<string> roles)
    : UnauthorizedAccessException($"{user} needs the role {string.Join(" or ", roles)}.");
