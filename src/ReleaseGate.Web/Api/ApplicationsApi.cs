using ReleaseGate.Core.Access;
using ReleaseGate.Core.Applications;
using ReleaseGate.Core.Development;

namespace ReleaseGate.Web.Api;

/// <summary>GET /api/v1/applications and /applications/{slug}: settings, and what production runs.</summary>
public static class ApplicationsApi
{
    public sealed record ProductionView(string Version, string Digest, string? Commit, DateTimeOffset ReleasedAt);

    /// <summary>What runs in the development environment: the newest develop build, its state and where to open it.</summary>
    public sealed record DevelopmentView(string Version, string Digest, string Commit, int BuildNumber, string BuildUrl,
        DevelopmentState State, string? Url, DateTimeOffset? DeployedAt, string? Progress, string? Reason);

    /// <summary>A secret variable as the API tells it: where, its name, the portal's variable it reads, "set" or "missing"; never its value.</summary>
    public sealed record SecretVariableView(string Where, string Variable, string FromEnvironment, string State);

    public sealed record ApplicationView(string Slug, string DisplayName, string StagingRepository, string ProductionRepository,
        string SwarmService, int RequiredApprovals, bool AllowCommitAuthorsToApprove, IReadOnlyList<string> TeamEmails,
        IReadOnlyList<string> QaEmails, TestEnvironmentSpec TestEnvironment, RolloutPolicy Rollout, bool ManagedByFile, ProductionView? Production,
        TestEnvironmentSpec? DevelopmentEnvironment, DevelopmentView? Development, IReadOnlyList<SecretVariableView> SecretVariables);

    public static RouteGroupBuilder MapApplicationsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/applications", ListAsync).WithSummary("Every application with its settings and what production runs")
            .Produces<List<ApplicationView>>().PersonCall(signedReadToo: true).Needs(PortalAction.ReadApplications);
        api.MapGet("/applications/{slug}", GetAsync).WithSummary("One application with its settings and what production runs")
            .Produces<ApplicationView>().ProducesProblem(StatusCodes.Status404NotFound).PersonCall(signedReadToo: true).Needs(PortalAction.ReadApplications);
        return api;
    }

    private static async Task<IResult> ListAsync(HttpContext http, ListApplications list, ISecretValues secrets) =>
        ApiAnswer.Of(StatusCodes.Status200OK, (await list.RunAsync(null, http.RequestAborted)).Select(a => View(a, secrets)).ToList());

    private static async Task<IResult> GetAsync(string slug, HttpContext http, ListApplications list, ISecretValues secrets)
    {
        if ((await list.RunAsync(slug, http.RequestAborted)).FirstOrDefault() is { } found) return ApiAnswer.Of(StatusCodes.Status200OK, View(found, secrets));
        return await ApiProblems.RefuseAsync(http, StatusCodes.Status404NotFound, "not-found", "There is no such application.",
            $"No application has the slug '{slug}'.", "slug");
    }

    private static ApplicationView View(ApplicationWithProduction x, ISecretValues secrets)
    {
        var a = x.Application;
        return new ApplicationView(a.Slug, a.DisplayName, a.StagingRepository, a.ProductionRepository, a.SwarmService, a.RequiredApprovals,
            a.AllowCommitAuthorsToApprove, a.TeamEmails, a.QaEmails, a.TestEnvironment, a.Rollout, a.ManagedByFile,
            x.Production is { } p ? new ProductionView(p.Version, p.Digest, p.Commit, p.ReleasedAt) : null,
            a.Development, x.Development is { } d ? Development(d) : null,
            SecretVariable.Of(a).Select(v => new SecretVariableView(v.Where, v.Variable, v.EnvironmentName, SecretVariable.State(v.EnvironmentName, secrets))).ToList());
    }

    public static DevelopmentView Development(DevelopmentDeployment d) =>
        new(d.Version, d.Digest, d.Commit, d.BuildNumber, d.BuildUrl, d.State, d.Url, d.DeployedAt, d.Progress, d.Reason);
}
