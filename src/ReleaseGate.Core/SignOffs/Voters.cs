using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Core.SignOffs;

/// <summary>A signed-in person as the sign-off rules see them: names and roles from the Identity tables.</summary>
internal sealed record Voter(string UserName, string? Email, bool IsQa)
{
    /// <summary>SubmittedBy holds what Jenkins sent: an e-mail or a user name.</summary>
    public bool Submitted(string submittedBy) =>
        string.Equals(submittedBy, UserName, StringComparison.OrdinalIgnoreCase)
        || (Email is not null && string.Equals(submittedBy, Email, StringComparison.OrdinalIgnoreCase));

    public bool Is(string user) => string.Equals(user, UserName, StringComparison.OrdinalIgnoreCase);

    public static async Task<Voter?> FindAsync(ReleaseGateDb db, string userName, CancellationToken ct)
    {
        var normalized = userName.ToUpperInvariant();
        var user = await db.Users.AsNoTracking().Where(u => u.NormalizedUserName == normalized)
            .Select(u => new { u.Id, u.UserName, u.Email }).SingleOrDefaultAsync(ct);
        if (user is null) return null;
        return new Voter(user.UserName!, user.Email, await UserRoles.HasAnyAsync(db, userName, [Roles.QA], ct));
    }
}
