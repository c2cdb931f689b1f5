using ReleaseGate.Core.Builds;

namespace ReleaseGate.Web.Api;

/// <summary>POST /api/v1/builds: Jenkins reports how a build went; failed and unstable builds mail the team.</summary>
public static class BuildsApi
{
    public sealed record BuildRequest(string Application, string Status, int BuildNumber, string BuildUrl, string? Branch,
        string? Commit, IReadOnlyList<string>? Culprits, string? LogTail);

    public sealed record BuildAccepted(string Application, int BuildNumber, string Status, int Mailed);

    public static RouteGroupBuilder MapBuildsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/builds", ReportAsync).AddEndpointFilter<IdempotentPost>()
            .WithSummary("Report a build's outcome; failed and unstable builds are mailed to the application's team")
            .SignedCall(typeof(BuildRequest)).SignedSecurity()
            .Produces<BuildAccepted>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithMetadata(new PortalActionMetadata(Core.Access.PortalAction.ReportBuild)); // ReportBuild asks the table itself
        return api;
    }

    private static async Task<IResult> ReportAsync(HttpContext http, ReportBuild report)
    {
        if (await JsonBody.ReadAsync(http) is not { } root) return JsonBody.Refusal(http)!;
        using var _ = root;
        var f = new JsonFields(root.RootElement);
        var application = f.String("application", required: true, 63);
        var statusText = f.String("status", required: true, 16);
        BuildStatus? status = null;
        if (statusText is not null)
        {
            if (Enum.TryParse<BuildStatus>(statusText, ignoreCase: true, out var s) && statusText.All(char.IsLetter)) status = s;
            else f.Fail("status", "must be one of failed, unstable, aborted, succeeded.");
        }
        var buildNumber = f.Int("buildNumber", required: true, 0, int.MaxValue);
        var buildUrl = f.Url("buildUrl", required: true);
        var branch = f.String("branch", required: false, 255) ?? "";
        var commit = f.String("commit", required: false, 64) ?? "";
        var culprits = f.Strings("culprits", 100, 255);
        var logTail = f.String("logTail", required: false, 32 * 1024) ?? "";
        if (!f.IsValid) return await ApiProblems.InvalidAsync(http, f.Errors);

        var outcome = await report.RunAsync(new BuildReport(application!, status!.Value, buildNumber!.Value, buildUrl!, branch, commit, culprits, logTail),
            SignedRequest.KeyId(http), http.RequestAborted);
        if (outcome.Refusal is { } refusal) return await ApiProblems.RefuseAsync(http, refusal);
        return ApiAnswer.Of(StatusCodes.Status202Accepted,
            new BuildAccepted(application!, buildNumber.Value, status.Value.ToString().ToLowerInvariant(), outcome.Value!.Mailed));
    }
}
