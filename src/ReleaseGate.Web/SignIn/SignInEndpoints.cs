using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using ReleaseGate.Core.Users;
using ReleaseGate.Web.Localization;

namespace ReleaseGate.Web.SignIn;

public static class SignInEndpoints
{
    public static void MapSignInEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/logout", async (SignInManager<PortalUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect("/account/login");
        }).RequireAuthorization();

        // The language choice outlives the session: a cookie the localization middleware reads first.
        app.MapGet("/culture", (string culture, string? redirect, HttpContext http) =>
        {
            if (UiText.Cultures.Contains(culture))
                http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                    CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                    new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, HttpOnly = true, SameSite = SameSiteMode.Lax });
            return TypedResults.LocalRedirect(redirect is { Length: > 0 } r && r.StartsWith('/') && !r.StartsWith("//") ? r : "/");
        }).AllowAnonymous();

        app.MapOidcEndpoints();
    }
}
