using Microsoft.AspNetCore.Authentication;
using ReleaseGate.Core.Access;

namespace ReleaseGate.Web.Api;

/// <summary>
/// Who may call the people's API: a person with a token (any method), or, for reads only, a Jenkins integration
/// with its HMAC signature. A bad token is a 401 even when a signature is also present: no falling back.
/// </summary>
public sealed class PersonOrSignature(SignedRequest signed) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (TokenAuthentication.Presented(http.Request) is not null)
        {
            var result = await http.AuthenticateAsync(TokenAuthentication.SchemeName);
            if (!result.Succeeded) return await Unauthorized(http, result.Failure?.Message ?? "The token is unknown, revoked or expired.");
            http.User = result.Principal;
            // The token's own allowance, once it is known to be a live token (its id, never the token, names the partition).
            if (await http.RequestServices.GetRequiredService<Security.CallerLimits>().RefuseAsync(http,
                    "token:" + http.User.FindFirst(TokenAuthentication.TokenIdClaim)?.Value) is { } limited) return limited;
            // A read needs the read scope; what a change needs is decided in Core from the action (Actor, TokenScopes).
            var scopes = Scopes(http)!;
            TokenScopes.ForThisCall(scopes);
            if (HttpMethods.IsGet(http.Request.Method) && http.Request.Path != "/api/v1/me" && !TokenScopes.CoversReading(scopes))
                return await ApiProblems.RefuseAsync(http, TokenScopes.Uncovered(scopes, "reading"));
            var body = await SignedRequest.ReadBodyAsync(http.Request, http.RequestAborted);
            if (body is null)
                return await ApiProblems.RefuseAsync(http, StatusCodes.Status413PayloadTooLarge, "payload-too-large",
                    "The body is too large.", $"The body must be at most {SignedRequest.MaxBodyBytes} bytes.", "body");
            SignedRequest.Keep(http, body, keyId: null);
            return await next(context);
        }
        if (HttpMethods.IsGet(http.Request.Method) && http.Request.Headers.ContainsKey("X-ReleaseGate-Key"))
            return await signed.InvokeAsync(context, next);
        return await Unauthorized(http, "Send Authorization: Bearer <personal access token>" +
            (HttpMethods.IsGet(http.Request.Method) ? ", or sign the call as a Jenkins integration." : "."));
    }

    public static async Task<IResult> Unauthorized(HttpContext http, string detail)
    {
        http.Response.Headers.WWWAuthenticate = HttpMethods.IsGet(http.Request.Method) ? "Bearer, ReleaseGate-HMAC" : "Bearer";
        return await ApiProblems.RefuseAsync(http, StatusCodes.Status401Unauthorized, "unauthorized",
            "The call carries no valid token or signature.", detail, "Authorization");
    }

    /// <summary>The scopes of the token this call came with; null without one.</summary>
    public static IReadOnlyList<string>? Scopes(HttpContext http) => Person(http) is null ? null
        : http.User.FindAll(TokenAuthentication.ScopeClaim).Select(c => c.Value).ToList();

    /// <summary>The person the token acts for; null for a signed integration's read.</summary>
    public static string? Person(HttpContext http) =>
        http.User.Identity is { IsAuthenticated: true, AuthenticationType: TokenAuthentication.SchemeName } ? http.User.Identity.Name : null;
}
