namespace ReleaseGate.Web.Api;

public static class ApiEndpoints
{
    /// <summary>
    /// The API under /api/v1: Jenkins' callbacks, signed per call; and the people's API, with a personal access
    /// token (reads also with a signature). No cookie, so no antiforgery token.
    /// </summary>
    public static void MapCallbackApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/api/v1").AllowAnonymous().DisableAntiforgery();
        var jenkins = v1.MapGroup("").AddEndpointFilter<SignedRequest>().WithTags("Jenkins callback API");
        jenkins.MapCandidatesApi();
        jenkins.MapBuildsApi();
        jenkins.MapDevelopmentApi();
        var people = v1.MapGroup("").AddEndpointFilter<PersonOrSignature>().WithTags("People's API");
        people.MapMeApi();
        people.MapApplicationsApi();
        people.MapPeopleCandidatesApi();
        people.MapAuditApi();
        people.MapUsersApi();
        people.MapScheduleApi();
        people.MapReleasesApi();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
    }
}
