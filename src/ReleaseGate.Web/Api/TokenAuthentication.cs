using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Web.Api;

/// <summary>
/// <c>Authorization: Bearer rgp_…</c>: a person's token, checked against the database on every request (revoked,
/// expired, owner disabled → no identity, so 401 at once). The principal carries the owner's roles as they are now.
/// </summary>
public sealed class TokenAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, CheckToken check)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "PersonalAccessToken";
    public const string TokenIdClaim = "releasegate:token";
    public const string ScopeClaim = "releasegate:scope";

    /// <summary>The presented bearer token, or null when the request carries none.</summary>
    public static string? Presented(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Presented(Request) is not { } token) return AuthenticateResult.NoResult();
        var outcome = await check.RunAsync(token, Context.RequestAborted);
        if (outcome.Refusal is { } refusal) return AuthenticateResult.Fail(refusal.Message);
        var (actor, tokenId, scopes) = outcome.Value!;
        var claims = new List<Claim> { new(ClaimTypes.Name, actor.UserName), new(ClaimTypes.NameIdentifier, actor.UserId), new(TokenIdClaim, tokenId.ToString()) };
        claims.AddRange(scopes.Select(s => new Claim(ScopeClaim, s)));
        if (actor.Email is not null) claims.Add(new Claim(ClaimTypes.Email, actor.Email));
        claims.AddRange(actor.Roles.Select(r => new Claim(ClaimTypes.Role, r)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }
}
