using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Web.Api;

/// <summary>GET /api/v1/me: whom the token acts for, with their roles as they are now.</summary>
public static class MeApi
{
    public sealed record MeView(string Email, string DisplayName, IReadOnlyList<string> Roles, IReadOnlyList<string> Scopes);

    public sealed record TokenJson(Guid Id, string Name, string Prefix, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt,
        DateTimeOffset? LastUsedAt, bool Active);

    public sealed record TokenMade(Guid Id, string Name, string Token, IReadOnlyList<string> Scopes, DateTimeOffset ExpiresAt);

    public static RouteGroupBuilder MapMeApi(this RouteGroupBuilder api)
    {
        api.MapGet("/me", GetAsync).WithSummary("The person the token belongs to")
            .Produces<MeView>().ProducesProblem(StatusCodes.Status403Forbidden).PersonCall();
        api.MapGet("/me/tokens", ListTokensAsync).WithSummary("The caller's own tokens: scopes, expiry, last use (never the secrets)")
            .Produces<IReadOnlyList<TokenJson>>().ProducesProblem(StatusCodes.Status403Forbidden).PersonCall();
        api.MapPost("/me/tokens", CreateTokenAsync).WithSummary("Make a token for the caller; scopes no wider than the calling token's")
            .Produces<TokenMade>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden).PersonCall();
        return api;
    }

    private static async Task<IResult> GetAsync(HttpContext http, IDbContextFactory<ReleaseGateDb> dbs)
    {
        if (PersonOrSignature.Person(http) is not { } userName) return await PeopleOnly(http);
        await using var db = await dbs.CreateDbContextAsync(http.RequestAborted);
        var displayName = await db.Users.Where(u => u.UserName == userName).Select(u => u.DisplayName).SingleAsync(http.RequestAborted);
        var email = http.User.FindFirst(System.Security.Claims.ClaimTypes.Email)?.Value ?? userName;
        var roles = http.User.FindAll(System.Security.Claims.ClaimTypes.Role).Select(c => c.Value).Order().ToList();
        return ApiAnswer.Of(StatusCodes.Status200OK, new MeView(email, displayName, roles, PersonOrSignature.Scopes(http) ?? []));
    }

    private static async Task<IResult> ListTokensAsync(HttpContext http, Core.Users.ListTokens list)
    {
        if (PersonOrSignature.Person(http) is not { } userName) return await PeopleOnly(http);
        var outcome = await list.RunAsync(userName, everyone: false, http.RequestAborted);
        if (outcome.Refusal is { } refusal) return await ApiProblems.RefuseAsync(http, refusal);
        return ApiAnswer.Of(StatusCodes.Status200OK, outcome.Value!.Select(t =>
            new TokenJson(t.Id, t.Name, t.Prefix, t.Scopes, t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.Active)).ToList());
    }

    private static async Task<IResult> CreateTokenAsync(HttpContext http, Core.Users.CreateToken create)
    {
        if (PersonOrSignature.Person(http) is not { } userName) return await PeopleOnly(http);
        if (await JsonBody.ReadAsync(http) is not { } root) return JsonBody.Refusal(http)!;
        using var _ = root;
        var f = new JsonFields(root.RootElement);
        var name = f.String("name", required: true, 100);
        var scopes = f.Strings("scopes", 4, 16);
        var days = f.Int("expiresDays", required: false, 1, Core.Users.PersonalAccessToken.MaxDays);
        if (!f.IsValid) return await ApiProblems.InvalidAsync(http, f.Errors);
        var outcome = await create.RunAsync(userName, userName, name!, days, scopes, http.RequestAborted);
        if (outcome.Refusal is { } refusal) return await ApiProblems.RefuseAsync(http, refusal);
        var made = outcome.Value!;
        return ApiAnswer.Of(StatusCodes.Status201Created, new TokenMade(made.Id, made.Name, made.Token, made.Scopes, made.ExpiresAt), "/api/v1/me/tokens");
    }

    /// <summary>A signed integration reached a call only a person can make.</summary>
    public static Task<Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult> PeopleOnly(HttpContext http) =>
        ApiProblems.RefuseAsync(http, StatusCodes.Status403Forbidden, "people-only", "Only a person can make this call.",
            "This call needs a personal access token, not an integration's signature.", "Authorization");
}
