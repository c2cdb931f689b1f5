namespace ReleaseGate.Web.Api;

public static class ApiEndpoints
{
    /// <summary>The Jenkins callback API: signed per call, so no cookie, no antiforgery token.</summary>
    public static void MapCallbackApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/api/v1")
            .AllowAnonymous()
            .DisableAntiforgery()
            .AddEndpointFilter<SignedRequest>()
            .WithTags("Jenkins callback API");
        v1.MapCandidatesApi();
        v1.MapBuildsApi();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
    }
}
