using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Web.Security;

/// <summary>
/// Identity's sign-in manager, with every password sign-in (success, failure, lockout) in the audit trail, and every
/// sign-in (password, OpenID Connect, a refresh after a password change) a session of its own (<see cref="SignedInSessions"/>).
/// </summary>
public sealed class AuditedSignInManager(UserManager<PortalUser> users, IHttpContextAccessor http, IUserClaimsPrincipalFactory<PortalUser> claims,
    IOptions<IdentityOptions> options, ILogger<SignInManager<PortalUser>> log, IAuthenticationSchemeProvider schemes,
    IUserConfirmation<PortalUser> confirmation, IDbContextFactory<ReleaseGateDb> dbs, TimeProvider time)
    : SignInManager<PortalUser>(users, http, claims, options, log, schemes, confirmation)
{
    public override Task SignInWithClaimsAsync(PortalUser user, AuthenticationProperties? authenticationProperties, IEnumerable<Claim> additionalClaims)
    {
        // A refresh of the same person's cookie keeps its session; anything else starts a new one.
        var current = Context.User;
        var same = current.Identity?.IsAuthenticated == true && current.FindFirstValue(Options.ClaimsIdentity.UserIdClaimType) == user.Id;
        var session = same && current.FindFirst(SignedInSessions.ClaimType) is { } kept ? new Claim(SignedInSessions.ClaimType, kept.Value) : SignedInSessions.NewClaim();
        return base.SignInWithClaimsAsync(user, authenticationProperties, additionalClaims.Where(c => c.Type != SignedInSessions.ClaimType).Append(session));
    }

    public override async Task<SignInResult> PasswordSignInAsync(string userName, string password, bool isPersistent, bool lockoutOnFailure)
    {
        var result = await base.PasswordSignInAsync(userName, password, isPersistent, lockoutOnFailure);
        var action = result.Succeeded ? "user.signed-in" : result.IsLockedOut ? "user.locked-out" : result.IsNotAllowed ? "user.sign-in-not-allowed" : "user.sign-in-failed";
        var address = Context.Connection.RemoteIpAddress?.ToString() ?? "(unknown)";
        var name = userName.Length <= 256 ? userName : userName[..256];
        await using var db = await dbs.CreateDbContextAsync();
        db.AuditEvents.Add(AuditEvent.ByUser(time.GetUtcNow(), name, action, name, $"from {address}"));
        await db.SaveChangesAsync();
        return result;
    }
}
