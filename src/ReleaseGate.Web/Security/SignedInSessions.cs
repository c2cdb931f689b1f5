using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Web.Security;

/// <summary>
/// Each sign-in is a session with an id of its own, carried in the cookie as a claim. Signing out records that id as
/// ended (a row in Identity's user-token table, kept while the cookie could still be alive), so the cookie, replayed
/// after sign-out, signs nobody in, on any replica. Signing out ends only that session, not the person's others.
/// </summary>
public sealed class SignedInSessions(IDbContextFactory<ReleaseGateDb> dbs, TimeProvider time, IOptions<IdentityOptions> identity,
    IOptionsMonitor<CookieAuthenticationOptions> cookies)
{
    public const string ClaimType = "releasegate:session";
    private const string EndedProvider = "ReleaseGate:SignedOut";

    public static Claim NewClaim() => new(ClaimType, Guid.NewGuid().ToString("N"));

    /// <summary>A cookie made before sessions had ids cannot be ended, so it counts as ended: one more sign-in.</summary>
    public async Task<bool> HasEndedAsync(ClaimsPrincipal principal, CancellationToken ct = default)
    {
        if (principal.Identity?.IsAuthenticated != true) return false;
        if (Ids(principal) is not var (userId, session)) return true;
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.UserTokens.AnyAsync(t => t.UserId == userId && t.LoginProvider == EndedProvider && t.Name == session, ct);
    }

    public async Task EndAsync(ClaimsPrincipal principal, CancellationToken ct = default)
    {
        if (Ids(principal) is not var (userId, session)) return;
        var now = time.GetUtcNow();
        // A sliding cookie renewed just now lives one expiry span more; after that the row is of no use.
        var until = now + cookies.Get(IdentityConstants.ApplicationScheme).ExpireTimeSpan;
        await using var db = await dbs.CreateDbContextAsync(ct);
        var ended = await db.UserTokens.Where(t => t.UserId == userId && t.LoginProvider == EndedProvider).ToListAsync(ct);
        db.UserTokens.RemoveRange(ended.Where(t => !DateTimeOffset.TryParse(t.Value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var end) || end < now));
        if (!ended.Any(t => t.Name == session))
            db.UserTokens.Add(new IdentityUserToken<string> { UserId = userId, LoginProvider = EndedProvider, Name = session, Value = until.ToString("O", CultureInfo.InvariantCulture) });
        await db.SaveChangesAsync(ct);
    }

    private (string UserId, string Session)? Ids(ClaimsPrincipal principal) =>
        principal.FindFirstValue(identity.Value.ClaimsIdentity.UserIdClaimType) is { Length: > 0 } userId
        && principal.FindFirstValue(ClaimType) is { Length: > 0 } session ? (userId, session) : null;
}
