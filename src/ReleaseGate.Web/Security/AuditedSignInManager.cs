using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Web.Security;

/// <summary>Identity's sign-in manager, with every password sign-in (success, failure, lockout) in the audit trail.</summary>
public sealed class AuditedSignInManager(UserManager<PortalUser> users, IHttpContextAccessor http, IUserClaimsPrincipalFactory<PortalUser> claims,
    IOptions<IdentityOptions> options, ILogger<SignInManager<PortalUser>> log, IAuthenticationSchemeProvider schemes,
    IUserConfirmation<PortalUser> confirmation, IDbContextFactory<ReleaseGateDb> dbs, TimeProvider time)
    : SignInManager<PortalUser>(users, http, claims, options, log, schemes, confirmation)
{
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
