using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using ReleaseGate.Core.Users;
using ReleaseGate.Web.Localization;
using ReleaseGate.Web.Security;

namespace ReleaseGate.Web.SignIn;

public static class SignInEndpoints
{
    public static void MapSignInEndpoints(this IEndpointRouteBuilder app)
    {
        // Only with this site's antiforgery token (a form elsewhere cannot sign anyone out); the session is recorded as
        // ended, so its cookie, kept or stolen, is refused from now on.
        app.MapPost("/account/logout", async Task<IResult> (HttpContext http, IAntiforgery antiforgery, SignedInSessions sessions, SignInManager<PortalUser> signIn) =>
        {
            if (!await antiforgery.IsRequestValidAsync(http)) return TypedResults.BadRequest();
            await sessions.EndAsync(http.User, http.RequestAborted);
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect("/account/login");
        }).RequireAuthorization();

        // The language choice outlives the session: a cookie the localization middleware reads first.
        // Only back to a path of this site: anything a browser could read as another host ("//evil", "/\evil",
        // "https://…", a control character) is refused before a cookie is set.
        app.MapGet("/culture", Results<RedirectHttpResult, ValidationProblem> (string culture, string? redirect, HttpContext http) =>
        {
            var back = string.IsNullOrEmpty(redirect) ? "/" : redirect;
            if (!IsPathOfThisSite(back))
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["redirect"] = ["must be a path of this site, such as /candidates."] });
            if (UiText.Cultures.Contains(culture))
                http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                    CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                    new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, HttpOnly = true, SameSite = SameSiteMode.Lax });
            return TypedResults.LocalRedirect(back);
        }).AllowAnonymous();

        app.MapOidcEndpoints();
    }

    /// <summary>"/" followed by neither '/' nor a backslash nor any control character (browsers drop tabs and line breaks).</summary>
    public static bool IsPathOfThisSite(string url) =>
        url.StartsWith('/') && (url.Length == 1 || url[1] is not ('/' or '\\')) && !url.Any(char.IsControl);
}
