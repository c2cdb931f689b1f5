using ReleaseGate.Core.Applications;

namespace ReleaseGate.Core.Tests;

public class ApplicationRulesTests
{
    [Fact]
    public void A_complete_application_has_no_problems() =>
        Assert.Empty(ApplicationRules.Problems(Build.Application()));

    [Fact]
    public void An_application_without_a_swarm_service_is_registry_only_and_valid()
    {
        var app = Build.Application();
        app.SwarmService = "";

        Assert.Empty(ApplicationRules.Problems(app));
        Assert.True(app.IsRegistryOnly);
    }

    public static TheoryData<string, Action<Application>> Breakages() => new()
    {
        { "slug", a => a.Slug = "Orders API" },
        { "stagingRepository", a => a.StagingRepository = "127.0.0.1:5001/orders:1.0" },
        { "productionRepository", a => a.ProductionRepository = a.StagingRepository },
        { "swarmService", a => a.SwarmService = "orders api" },
        { "requiredApprovals", a => a.RequiredApprovals = 0 },
        { "qaEmails", a => a.QaEmails = ["not-a-mail"] },
        { "testEnvironment.publishedPort", a => a.TestEnvironment.PublishedPort = 70000 },
        { "testEnvironment.healthPath", a => a.TestEnvironment.HealthPath = "health" },
        { "testEnvironment.healthTimeoutSeconds", a => a.TestEnvironment.HealthTimeoutSeconds = 0 },
        { "rollout.parallelism", a => a.Rollout.Parallelism = -1 },
        { "rollout.maxFailureRatio", a => a.Rollout.MaxFailureRatio = 1.5 },
        { "rollout.timeoutSeconds", a => a.Rollout.TimeoutSeconds = 0 },
        { "rollout.smokeUrl", a => a.Rollout.SmokeUrl = "/health" },
        { "swarm.replicas", a => a.Swarm.Replicas = -1 },
        { "swarm.publishedPorts", a => a.Swarm.PublishedPorts = ["18080:8080", "80:http"] },
    };

    [Theory]
    [MemberData(nameof(Breakages))]
    public void Each_wrong_field_is_named(string field, Action<Application> breakIt)
    {
        var app = Build.Application();
        breakIt(app);
        var problem = Assert.Single(ApplicationRules.Problems(app), p => p.Field == field);
        Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", problem.MessageZh); // the team reads Chinese
    }
}
