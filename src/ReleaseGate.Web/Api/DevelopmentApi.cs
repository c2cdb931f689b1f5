using ReleaseGate.Core;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Development;
using ReleaseGate.Registry;

namespace ReleaseGate.Web.Api;

/// <summary>POST /api/v1/development-deployments: Jenkins hands a develop build to the application's development environment.</summary>
public static class DevelopmentApi
{
    /// <summary>The request body, as documented in the OpenAPI description (read by hand, field by field).</summary>
    public sealed record DevelopmentRequest(string Application, string Image, string? Digest, string Commit, string? Branch, int BuildNumber, string BuildUrl);

    /// <summary>Taken: this build is queued for the environment (202). Not taken: a newer or the same build holds it (200), shown as it is.</summary>
    public sealed record DevelopmentAnswer(string Application, bool Taken, ApplicationsApi.DevelopmentView Development, DevelopmentLinks Links);

    public sealed record DevelopmentLinks(string Application);

    public static RouteGroupBuilder MapDevelopmentApi(this RouteGroupBuilder api)
    {
        api.MapPost("/development-deployments", RegisterAsync).AddEndpointFilter<IdempotentPost>()
            .WithSummary("Deploy a develop build to the application's development environment (no sign-off; the newest build wins; never promoted)")
            .SignedCall(typeof(DevelopmentRequest)).SignedSecurity()
            .Produces<DevelopmentAnswer>(StatusCodes.Status202Accepted).Produces<DevelopmentAnswer>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return api;
    }

    private static async Task<IResult> RegisterAsync(HttpContext http, RegisterDevelopmentBuild register)
    {
        if (await JsonBody.ReadAsync(http) is not { } root) return JsonBody.Refusal(http)!;
        using var _ = root;
        var f = new JsonFields(root.RootElement);
        var (application, reference, digest, commit, branch, buildNumber, buildUrl) = CandidatesApi.ReadBuild(f, "1.5.0-dev.57");
        if (!f.IsValid) return await ApiProblems.InvalidAsync(http, f.Errors);

        var build = new DevelopmentBuild(application!, reference!.RepositoryReference, reference.Tag!, digest ?? reference.Digest,
            commit!, branch, buildNumber!.Value, buildUrl!);
        Outcome<DevelopmentRegistration> outcome;
        try
        {
            outcome = await register.RunAsync(build, SignedRequest.KeyId(http), http.RequestAborted);
        }
        catch (RegistryUnavailableException e)
        {
            return await ApiProblems.RefuseAsync(http, StatusCodes.Status503ServiceUnavailable, "registry-unavailable",
                "The staging registry could not be asked; retry later.", e.Message, "image");
        }
        if (outcome.Refusal is { } refusal) return await ApiProblems.RefuseAsync(http, refusal);
        var (deployment, taken) = outcome.Value!;
        var self = $"/api/v1/applications/{application}";
        return ApiAnswer.Of(taken ? StatusCodes.Status202Accepted : StatusCodes.Status200OK,
            new DevelopmentAnswer(application!, taken, ApplicationsApi.Development(deployment), new DevelopmentLinks(self)), self);
    }
}
