using Microsoft.EntityFrameworkCore;
using ReleaseGate.Web.Applications;

namespace ReleaseGate.Web.Tests;

public class ApplicationsFileTests : IDisposable
{
    private readonly string file = Path.Combine(Path.GetTempPath(), $"rg-apps-{Guid.NewGuid():N}.yml");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Valid = """
        applications:
          - slug: orders-api
            displayName: Orders API
            stagingRepository: 127.0.0.1:5001/orders-api
            productionRepository: 127.0.0.1:5002/orders-api
            swarmService: orders-api
            requiredApprovals: 2
            teamEmails: [team@example.com]
            qaEmails: [qa1@example.com, qa2@example.com]
            testEnvironment:
              containerName: orders-api-test
              publishedPort: 18090
              healthPath: /healthz
              environmentVariables: { ASPNETCORE_ENVIRONMENT: Test }
            rollout: { parallelism: 2, failureAction: Pause, order: StartFirst }
            allowCommitAuthorsToApprove: true
        """;

    [Fact]
    public async Task The_portal_creates_the_declared_applications_at_start_and_marks_them_managed()
    {
        await File.WriteAllTextAsync(file, Valid, Ct);
        using var portal = new PortalFactory();
        portal.Settings["ReleaseGate:ApplicationsFile"] = file;

        _ = portal.CreateClient();
        await using var db = portal.CreateDb();
        var app = await db.Applications.SingleAsync(a => a.Slug == "orders-api", Ct);
        Assert.True(app.ManagedByFile);
        Assert.Equal(2, app.RequiredApprovals);
        Assert.True(app.AllowCommitAuthorsToApprove);
        Assert.Equal(["qa1@example.com", "qa2@example.com"], app.QaEmails);
        Assert.Equal("/healthz", app.TestEnvironment.HealthPath);
        Assert.Equal("Test", app.TestEnvironment.EnvironmentVariables["ASPNETCORE_ENVIRONMENT"]);
        Assert.Equal(Core.Applications.RolloutFailureAction.Pause, app.Rollout.FailureAction);
    }

    [Fact]
    public async Task An_application_without_a_swarm_service_is_read_as_registry_only()
    {
        await File.WriteAllTextAsync(file, """
            applications:
              - slug: images-only
                stagingRepository: 127.0.0.1:5001/images-only
                productionRepository: 127.0.0.1:5002/images-only
                testEnvironment: { containerName: images-only-test, publishedPort: 18092 }
            """, Ct);

        var app = Assert.Single(ApplicationsFile.Read(file));

        Assert.Equal("", app.SwarmService);
        Assert.True(app.IsRegistryOnly);
    }

    [Fact]
    public async Task A_JSON_file_is_read_too()
    {
        await File.WriteAllTextAsync(file, """
            { "applications": [ { "slug": "billing", "stagingRepository": "127.0.0.1:5001/billing",
              "productionRepository": "127.0.0.1:5002/billing", "swarmService": "billing",
              "testEnvironment": { "containerName": "billing-test", "publishedPort": 18091 } } ] }
            """, Ct);
        var apps = ApplicationsFile.Read(file);
        Assert.Equal("billing", Assert.Single(apps).Slug);
    }

    [Fact]
    public async Task A_bad_field_names_its_line_and_field()
    {
        await File.WriteAllTextAsync(file, Valid.Replace("publishedPort: 18090", "publishedPort: 99999"), Ct);
        var error = Assert.Throws<ApplicationsFileException>(() => ApplicationsFile.Read(file));
        Assert.Contains($"{file}:12: applications[0].testEnvironment.publishedPort", error.Message);
    }

    [Fact]
    public async Task Broken_YAML_names_its_line()
    {
        await File.WriteAllTextAsync(file, Valid.Replace("requiredApprovals: 2", "requiredApprovals: [2"), Ct);
        var error = Assert.Throws<ApplicationsFileException>(() => ApplicationsFile.Read(file));
        Assert.StartsWith($"{file}:", error.Message);
        Assert.Matches(@":\d+:", error.Message);
    }

    [Fact]
    public async Task A_bad_file_stops_the_start()
    {
        await File.WriteAllTextAsync(file, Valid.Replace("slug: orders-api", "slug: Orders API"), Ct);
        using var portal = new PortalFactory();
        portal.Settings["ReleaseGate:ApplicationsFile"] = file;

        var error = Assert.Throws<ApplicationsFileException>(() => portal.CreateClient());
        Assert.Contains(":2: applications[0].slug", error.Message);
    }

    public void Dispose() => File.Delete(file);
}
