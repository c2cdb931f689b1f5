using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using ReleaseGate.Core;
using ReleaseGate.Core.Users;
using ReleaseGate.Web.Settings;

namespace ReleaseGate.Web.SignIn;

/// <summary>
/// "Sign in with {provider}" as plain endpoints, since cookies are written here: one starts the challenge (to sign in, or,
/// for someone signed in locally, to link their provider login), the other turns the provider's answer into either.
/// </summary>
public static class OidcEndpoints
{
    /// <summary>The challenge's item naming the signed-in account that asked to link; protected with the correlation state.</summary>
    private const string LinkItem = "releasegate.link";

    public static void MapOidcEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/account/oidc", (HttpContext http, string? returnUrl, IOptions<OidcSettings> settings, ILoggerFactory logs) =>
            ChallengeAsync(http, settings.Value, logs, SafeReturnUrl(returnUrl), null)).AllowAnonymous();

        // A POST with the antiforgery token (the My account page's form), so no other site can start a link in someone's
        // browser; checked here, after authentication, since the token names the signed-in user.
        app.MapPost("/account/oidc/link", async (HttpContext http, IOptions<OidcSettings> settings, ILoggerFactory logs, UserManager<PortalUser> users,
            IAntiforgery antiforgery) =>
        {
            if (!await antiforgery.IsRequestValidAsync(http)) { http.Response.StatusCode = StatusCodes.Status400BadRequest; return; }
            await ChallengeAsync(http, settings.Value, logs, "/account", users.GetUserId(http.User));
        }).RequireAuthorization();

        app.MapGet("/account/oidc/done", async (HttpContext http, string? returnUrl, IOptions<OidcSettings> settings,
            IOptions<OidcRoleGroupsSettings> roleGroups, OidcDirectory directory, IServiceProvider services, SignInManager<PortalUser> signIn) =>
        {
            var external = await http.AuthenticateAsync(IdentityConstants.ExternalScheme);
            await http.SignOutAsync(IdentityConstants.ExternalScheme);
            var claims = external.Principal;
            var subjectClaim = claims?.FindFirst("sub");
            var issuer = claims?.FindFirstValue("iss") ?? subjectClaim?.Issuer;
            if (!external.Succeeded || subjectClaim is not { Value.Length: > 0 } || string.IsNullOrEmpty(issuer))
                return Results.Redirect(OidcSignIn.LoginPage(http.Request, OidcSignIn.Reasons.Failed));

            var groups = claims!.FindAll(settings.Value.GroupsClaim).Select(c => c.Value).Distinct();
            var login = new ExternalLogin(issuer, subjectClaim.Value, settings.Value.DisplayName);
            var roles = roleGroups.Value.RolesFor(groups);
            var grant = directory.Protect(external.Properties?.GetTokenValue("refresh_token"));

            if (external.Properties?.Items.TryGetValue(LinkItem, out var linkFor) == true)
                return await LinkAsync(http, signIn, services.GetRequiredService<LinkExternalLogin>(), linkFor, login, roles, grant);

            var who = new ExternalIdentity(login, claims.FindFirstValue("email"),
                bool.TryParse(claims.FindFirstValue("email_verified"), out var verified) && verified, claims.FindFirstValue("name"), roles, grant);
            var outcome = await services.GetRequiredService<SignInExternally>().RunAsync(who);
            if (outcome.Refusal is { } refusal)
                return Results.Redirect(OidcSignIn.LoginPage(http.Request, refusal switch
                {
                    { Code: RefusalCode.AccountDisabled } => OidcSignIn.Reasons.Disabled,
                    { Code: RefusalCode.NotLinked } => OidcSignIn.Reasons.NotLinked,
                    { Field: "email" } => OidcSignIn.Reasons.NoEmail,
                    _ => OidcSignIn.Reasons.Failed,
                }));
            await signIn.SignInAsync(outcome.Value!, isPersistent: false, authenticationMethod: OidcSignIn.Scheme);
            return Results.LocalRedirect(SafeReturnUrl(returnUrl));
        }).AllowAnonymous();
    }

    private static async Task ChallengeAsync(HttpContext http, OidcSettings settings, ILoggerFactory logs, string returnUrl, string? linkFor)
    {
        if (!settings.IsEnabled()) { http.Response.Redirect("/account/login"); return; }
        var properties = new AuthenticationProperties { RedirectUri = $"{http.Request.PathBase}/account/oidc/done?returnUrl={Uri.EscapeDataString(returnUrl)}" };
        if (linkFor is not null) properties.Items[LinkItem] = linkFor;
        try
        {
            await http.ChallengeAsync(OidcSignIn.Scheme, properties);
        }
        catch (Exception e) when (!http.Response.HasStarted)
        {
            // The provider's metadata could not be fetched: local accounts still work, and the page says why.
            logs.CreateLogger(typeof(OidcEndpoints)).LogWarning(e, "{Provider} did not answer at {Authority}", settings.DisplayName, settings.Authority);
            http.Response.Redirect(OidcSignIn.LoginPage(http.Request, OidcSignIn.Reasons.Down));
        }
    }

    /// <summary>The provider's answer to a link asked for by a signed-in person: only into the account that asked, still signed in.</summary>
    private static async Task<IResult> LinkAsync(HttpContext http, SignInManager<PortalUser> signIn, LinkExternalLogin link, string? linkFor,
        ExternalLogin login, IReadOnlySet<string> roles, string? grant)
    {
        var user = await signIn.UserManager.GetUserAsync(http.User);
        if (user is null || user.Id != linkFor) return Results.LocalRedirect("/account?link=" + OidcSignIn.Reasons.Failed);
        var outcome = await link.RunAsync(user.UserName!, user.Email ?? user.UserName!, login, roles, grant);
        if (outcome.Refusal is { } refusal)
            return Results.LocalRedirect("/account?link=" + (refusal.Code == RefusalCode.AlreadyExists ? OidcSignIn.Reasons.Taken : OidcSignIn.Reasons.Failed));
        // The roles (and so the security stamp) may have changed: a fresh cookie keeps this session going.
        await signIn.RefreshSignInAsync(outcome.Value!);
        return Results.LocalRedirect("/account?link=" + OidcSignIn.Reasons.Linked);
    }

    // Only local paths: a crafted returnUrl must not send a signed-in user elsewhere.
    private static string SafeReturnUrl(string? returnUrl) =>
        returnUrl is { Length: > 0 } r && r.StartsWith('/') && !r.StartsWith("//") && !r.StartsWith("/\\") ? r : "/";
}
