using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Web.Api;

/// <summary>GET /api/v1/me: whom the token acts for, with their roles as they are now.</summary>
public static class MeApi
{
    public sealed record MeView(string Email, string DisplayName, IReadOnlyList<string> Roles);

    public static RouteGroupBuilder MapMeApi(this RouteGroupBuilder api)
    {
        api.MapGet("/me", GetAsync).WithSummary("The person the token belongs to")
            .Produces<MeView>().ProducesProblem(StatusCodes.Status403Forbidden).PersonCall();
        return api;
    }

    private static async Task<IResult> GetAsync(HttpContext http, IDbContextFactory<ReleaseGateDb> dbs)
    {
        if (PersonOrSignature.Person(http) is not { } userName) return await PeopleOnly(http);
        await using var db = await dbs.CreateDbContextAsync(http.RequestAborted);
        var displayName = await db.Users.Where(u => u.UserName == userName).Select(u => u.DisplayName).SingleAsync(http.RequestAborted);
        var email = http.User.FindFirst(System.Security.Claims.ClaimTypes.Email)?.Value ?? userName;
        var roles = http.User.FindAll(System.Security.Claims.ClaimTypes.Role).Select(c => c.Value).Order().ToList();
        return ApiAnswer.Of(StatusCodes.Status200OK, new MeView(email, displayName, roles));
    }

    /// <summary>A signed integration reached a call only a person can make.</summary>
    public static Task<Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult> PeopleOnly(HttpContext http) =>
        ApiProblems.RefuseAsync(http, StatusCodes.Status403Forbidden, "people-only", "Only a person can make this call.",
            "This call needs a personal access token, not an integration's signature.", "Authorization");
}
