using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Core.Users;

/// <summary>What one pass found: accounts asked about, roles changed, accounts gone, provider not answering, no grant kept.</summary>
public sealed record RevalidationReport(int Checked, int Changed, int Gone, int Unreachable, int WithoutGrant);

/// <summary>
/// On a schedule, asks the provider again about everyone who signs in with it, so the portal does not wait for their next
/// sign-in: roles follow the groups (a change ends the person's sessions and open tabs, which then carry the new roles), and
/// someone the provider no longer knows (removed, blocked, grant revoked) loses their roles, sessions and API tokens.
/// A provider that does not answer changes nothing: sessions still end at their maximum age.
/// </summary>
public sealed class RevalidateExternalAccounts(UserManager<PortalUser> users, ReleaseGateDb db, IExternalDirectory directory, TimeProvider time)
{
    public async Task<RevalidationReport> RunAsync(CancellationToken ct = default)
    {
        if (await directory.IssuerAsync(ct) is not { } issuer) return new(0, 0, 0, 0, 0);
        var linked = await db.UserLogins.Where(l => l.LoginProvider == issuer)
            .Select(l => new
            {
                l.UserId,
                Grant = db.UserTokens.Where(t => t.UserId == l.UserId && t.LoginProvider == issuer && t.Name == ExternalLogins.GrantName)
                    .Select(t => t.Value).FirstOrDefault(),
            })
            .ToListAsync(ct);
        int changed = 0, gone = 0, unreachable = 0, withoutGrant = 0;
        foreach (var login in linked)
        {
            if (login.Grant is not { Length: > 0 } grant) { withoutGrant++; continue; }
            var user = await users.FindByIdAsync(login.UserId);
            if (user is null) continue;
            var answer = await directory.LookUpAsync(grant, ct);
            var now = time.GetUtcNow();
            switch (answer.Standing)
            {
                case ExternalStanding.Unreachable:
                    unreachable++;
                    continue;
                case ExternalStanding.Present:
                    await ExternalLogins.KeepGrantAsync(users, user, issuer, answer.Grant);
                    var applied = await ExternalLogins.ApplyRolesAsync(users, user, answer.Roles, isNew: false);
                    if (applied.Value is { Changed: true } roles)
                    {
                        changed++;
                        db.AuditEvents.Add(AuditEvent.BySystem(now, "user.roles-revalidated", user.Email ?? user.UserName!,
                            $"{directory.ProviderName}'s groups now give: {string.Join(", ", roles.Roles.Order())}"
                            + (roles.KeptAdmin ? "; Admin kept: the last admin" : "")));
                    }
                    break;
                default:
                    gone++;
                    await EndAccessAsync(user, issuer, now, answer.Why, ct);
                    break;
            }
            await db.SaveChangesAsync(ct);
        }
        return new(linked.Count, changed, gone, unreachable, withoutGrant);
    }

    /// <summary>Gone from the provider: no roles from it, no session, no token; the link stays, so a return finds the same account.</summary>
    private async Task EndAccessAsync(PortalUser user, string issuer, DateTimeOffset now, string? why, CancellationToken ct)
    {
        await ExternalLogins.ApplyRolesAsync(users, user, [], isNew: false);
        await users.RemoveAuthenticationTokenAsync(user, issuer, ExternalLogins.GrantName);
        await users.UpdateSecurityStampAsync(user);
        var tokens = await db.PersonalAccessTokens.Where(t => t.UserId == user.Id && t.RevokedAt == null).ToListAsync(ct);
        foreach (var token in tokens)
        {
            token.RevokedAt = now;
            token.RevokedBy = "system";
        }
        db.AuditEvents.Add(AuditEvent.BySystem(now, "user.gone-from-provider", user.Email ?? user.UserName!,
            $"{directory.ProviderName} no longer knows this person ({why ?? "no reason given"}): roles removed, sessions ended, {tokens.Count} token(s) revoked"));
    }
}
