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
/// Identity's sign-in manager, with every password sign-in (success, failure, delay) in the audit trail, and every
/// sign-in (password, OpenID Connect, a refresh after a password change) a session of its own (<see cref="SignedInSessions"/>).
/// Wrong passwords slow the form down (<see cref="SignInBackoff"/>) and never lock the account: locked is what "disabled" means here.
/// </summary>
public sealed class AuditedSignInManager(UserManager<PortalUser> users, IHttpContextAccessor http, IUserClaimsPrincipalFactory<PortalUser> claims,
    IOptions<IdentityOptions> options, ILogger<SignInManager<PortalUser>> log, IAuthenticationSchemeProvider schemes,
    IUserConfirmation<PortalUser> confirmation, IDbContextFactory<ReleaseGateDb> dbs, TimeProvider time, SignInBackoff backoff)
    : SignInManager<PortalUser>(users, http, claims, options, log, schemes, confirmation)
{
    public const string Form = "sign-in";

    /// <summary>How long the sign-in form makes this caller wait; set when the last attempt was refused for that.</summary>
    public TimeSpan Delayed { get; private set; }

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
        var address = RateLimits.Address(Context);
        var name = userName.Length <= 256 ? userName : userName[..256];
        Delayed = backoff.WaitFor(Form, name, address);
        // While delayed the password is not even looked at, so guessing faster than the delay learns nothing.
        var result = Delayed > TimeSpan.Zero ? SignInResult.Failed : await base.PasswordSignInAsync(userName, password, isPersistent, lockoutOnFailure: false);
        if (Delayed == TimeSpan.Zero)
        {
            if (result.Succeeded) backoff.Succeeded(Form, name);
            else if (!result.IsLockedOut) backoff.Failed(Form, name, address);
        }
        var action = Delayed > TimeSpan.Zero ? "user.sign-in-delayed" : result.Succeeded ? "user.signed-in" : result.IsLockedOut ? "user.sign-in-disabled"
            : result.IsNotAllowed ? "user.sign-in-not-allowed" : "user.sign-in-failed";
        await using var db = await dbs.CreateDbContextAsync();
        db.AuditEvents.Add(AuditEvent.ByUser(time.GetUtcNow(), name, action, name, $"from {address}"));
        await db.SaveChangesAsync();
        return result;
    }
}
