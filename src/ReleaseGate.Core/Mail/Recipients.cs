using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Core.Mail;

/// <summary>Who is told: addresses read from the accounts, so a person who left the role stops getting mail.</summary>
internal static class Recipients
{
    public static async Task<List<string>> InRoleAsync(ReleaseGateDb db, string role, DateTimeOffset now, CancellationToken ct)
    {
        var users = await db.UserRoles
            .Join(db.Roles.Where(r => r.Name == role), ur => ur.RoleId, r => r.Id, (ur, _) => ur.UserId)
            .Join(db.Users, id => id, u => u.Id, (_, u) => new { u.Email, u.LockoutEnd }).Where(u => u.Email != null)
            .ToListAsync(ct);
        // LockoutEnd is compared here: the column holds ticks, and a disabled account reads no mail.
        return users.Where(u => u.LockoutEnd is null || u.LockoutEnd <= now).Select(u => u.Email!).ToList();
    }

    /// <summary>SubmittedBy holds what Jenkins sent: "Name &lt;email&gt;", an e-mail, or a user name to look up.</summary>
    public static async Task<string?> SubmitterAsync(ReleaseGateDb db, string submittedBy, CancellationToken ct) =>
        PersonReference.Parse(submittedBy) switch
        {
            { Email: { } email } => email,
            { UserName: { } name } => await db.Users.Where(u => u.NormalizedUserName == name.ToUpperInvariant()).Select(u => u.Email).FirstOrDefaultAsync(ct),
            _ => null,
        };

    public static Task<List<string>> ReleaseManagersAsync(ReleaseGateDb db, DateTimeOffset now, CancellationToken ct) =>
        InRoleAsync(db, Roles.ReleaseManager, now, ct);
}
