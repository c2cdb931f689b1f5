using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace ReleaseGate.Web.Security;

/// <summary>
/// The longest a sign-in lasts (ReleaseGate__Security__SessionHours). Sliding renewal re-issues the cookie, so its own
/// issue time cannot tell; the time of the sign-in itself travels in the cookie as a claim and outlives every renewal.
/// </summary>
public static class SessionAge
{
    public const string ClaimType = "releasegate:signed_in_at";

    public static void Limit(CookieAuthenticationOptions cookie, TimeSpan max)
    {
        var validate = cookie.Events.OnValidatePrincipal;
        var signingIn = cookie.Events.OnSigningIn;
        cookie.Events.OnSigningIn = async context =>
        {
            if (context.Principal?.Identity is ClaimsIdentity identity && !identity.HasClaim(c => c.Type == ClaimType))
                identity.AddClaim(new Claim(ClaimType, Now(context.HttpContext).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)));
            await signingIn(context);
        };
        cookie.Events.OnValidatePrincipal = async context =>
        {
            if (IsOver(context.Principal, Now(context.HttpContext), max))
            {
                context.RejectPrincipal();
                await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
                return;
            }
            await validate(context);
        };
    }

    /// <summary>A cookie without the claim (issued before this rule) counts as over: its age cannot be told.</summary>
    public static bool IsOver(ClaimsPrincipal? principal, DateTimeOffset now, TimeSpan max) =>
        principal?.FindFirstValue(ClaimType) is not { } at || !long.TryParse(at, CultureInfo.InvariantCulture, out var seconds)
        || now - DateTimeOffset.FromUnixTimeSeconds(seconds) >= max;

    /// <summary>The security stamp check builds a fresh principal: it keeps the sign-in's time.</summary>
    public static Task KeepOnRefresh(SecurityStampRefreshingPrincipalContext context)
    {
        if (context.CurrentPrincipal?.FindFirst(ClaimType) is { } at && context.NewPrincipal?.Identity is ClaimsIdentity identity
            && !identity.HasClaim(c => c.Type == ClaimType))
            identity.AddClaim(new Claim(ClaimType, at.Value));
        return Task.CompletedTask;
    }

    public static TimeSpan Max(IOptions<SecuritySettings> settings) => TimeSpan.FromHours(settings.Value.SessionHours);

    private static DateTimeOffset Now(HttpContext http) => http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
}
