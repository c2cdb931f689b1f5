using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using ReleaseGate.Core;
using ReleaseGate.Core.Users;
using ReleaseGate.Web.Settings;

namespace ReleaseGate.Web.SignIn;

/// <summary>
/// "Sign in with {provider}" as plain endpoints, since cookies are written here: one starts the challenge, the other
/// turns the provider's answer into a portal sign-in with roles from the person's groups.
/// </summary>
public static class OidcEndpoints
{
    public static void MapOidcEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/account/oidc", async (HttpContext http, string? returnUrl, IOptions<OidcSettings> settings, ILoggerFactory logs) =>
        {
            if (!settings.Value.IsEnabled()) { http.Response.Redirect("/account/login"); return; }
            var done = $"{http.Request.PathBase}/account/oidc/done?returnUrl={Uri.EscapeDataString(SafeReturnUrl(returnUrl))}";
            try
            {
                await http.ChallengeAsync(OidcSignIn.Scheme, new AuthenticationProperties { RedirectUri = done });
            }
            catch (Exception e) when (!http.Response.HasStarted)
            {
                // The provider's metadata could not be fetched: local accounts still work, and the page says why.
                logs.CreateLogger(typeof(OidcEndpoints)).LogWarning(e, "{Provider} did not answer at {Authority}", settings.Value.DisplayName, settings.Value.Authority);
                http.Response.Redirect(OidcSignIn.LoginPage(http.Request, OidcSignIn.Reasons.Down));
            }
        }).AllowAnonymous();

        app.MapGet("/account/oidc/done", async (HttpContext http, string? returnUrl, IOptions<OidcSettings> settings,
            IOptions<OidcRoleGroupsSettings> roleGroups, SignInExternally signInExternally, SignInManager<PortalUser> signIn) =>
        {
            var external = await http.AuthenticateAsync(IdentityConstants.ExternalScheme);
            await http.SignOutAsync(IdentityConstants.ExternalScheme);
            if (!external.Succeeded || external.Principal.FindFirstValue("sub") is not { Length: > 0 } subject)
                return Results.Redirect(OidcSignIn.LoginPage(http.Request, OidcSignIn.Reasons.Failed));

            var claims = external.Principal;
            var groups = claims.FindAll(settings.Value.GroupsClaim).Select(c => c.Value).Distinct();
            var who = new ExternalIdentity(OidcSignIn.Scheme, settings.Value.DisplayName, subject,
                claims.FindFirstValue("email"), bool.TryParse(claims.FindFirstValue("email_verified"), out var verified) && verified,
                claims.FindFirstValue("name"), roleGroups.Value.RolesFor(groups));
            var outcome = await signInExternally.RunAsync(who);
            if (outcome.Refusal is { } refusal)
                return Results.Redirect(OidcSignIn.LoginPage(http.Request, refusal switch
                {
                    { Code: RefusalCode.AccountDisabled } => OidcSignIn.Reasons.Disabled,
                    { Field: "email_verified" } => OidcSignIn.Reasons.Unverified,
                    { Field: "email" } => OidcSignIn.Reasons.NoEmail,
                    _ => OidcSignIn.Reasons.Failed,
                }));
            await signIn.SignInAsync(outcome.Value!, isPersistent: false, authenticationMethod: OidcSignIn.Scheme);
            return Results.LocalRedirect(SafeReturnUrl(returnUrl));
        }).AllowAnonymous();
    }

    // Only local paths: a crafted returnUrl must not send a signed-in user elsewhere.
    private static string SafeReturnUrl(string? returnUrl) =>
        returnUrl is { Length: > 0 } r && r.StartsWith('/') && !r.StartsWith("//") && !r.StartsWith("/\\") ? r : "/";
}
