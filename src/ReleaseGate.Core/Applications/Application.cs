namespace ReleaseGate.Core.Applications;

/// <summary>A deployable service and everything the gate needs to test and release it.</summary>
public sealed class Application
{
    public int Id { get; init; }
    /// <summary>Lower-case slug used in the API and URLs, e.g. <c>orders-api</c>.</summary>
    public required string Slug { get; set; }
    public string DisplayName { get; set; } = "";
    /// <summary>e.g. <c>127.0.0.1:5001/orders-api</c>: registry host and repository, no tag.</summary>
    public required string StagingRepository { get; set; }
    public required string ProductionRepository { get; set; }
    /// <summary>The production Swarm service; empty for a registry-only application (released once production's registry serves the digest).</summary>
    public string SwarmService { get; set; } = "";
    public bool IsRegistryOnly => SwarmService.Length == 0;
    public TestEnvironmentSpec TestEnvironment { get; set; } = new();
    /// <summary>
    /// Where develop builds run, on the test host beside the test environment (its own container and port): no sign-off,
    /// the newest build wins, never promoted. Null: the application has no development environment.
    /// </summary>
    public TestEnvironmentSpec? Development { get; set; }
    public int RequiredApprovals { get; set; } = 1;
    /// <summary>Off by default: a QA who wrote one of the candidate's commits cannot approve it (four eyes).</summary>
    public bool AllowCommitAuthorsToApprove { get; set; }
    public List<string> TeamEmails { get; set; } = [];
    public List<string> QaEmails { get; set; } = [];
    public RolloutPolicy Rollout { get; set; } = new();
    /// <summary>How the production service is created on its first release.</summary>
    public SwarmServiceSpec Swarm { get; set; } = new();
    /// <summary>Declared in the applications file; the file wins over edits in the portal.</summary>
    public bool ManagedByFile { get; set; }
    /// <summary>Changes on every save, so two admins editing at once cannot overwrite each other unseen.</summary>
    public Guid ConcurrencyToken { get; set; } = Guid.NewGuid();

    /// <summary>Takes every setting but the identity (id, slug) and the file flag from another declaration.</summary>
    public void CopySettingsFrom(Application other)
    {
        DisplayName = other.DisplayName;
        StagingRepository = other.StagingRepository;
        ProductionRepository = other.ProductionRepository;
        SwarmService = other.SwarmService;
        RequiredApprovals = other.RequiredApprovals;
        AllowCommitAuthorsToApprove = other.AllowCommitAuthorsToApprove;
        TeamEmails = other.TeamEmails;
        QaEmails = other.QaEmails;
        TestEnvironment = other.TestEnvironment;
        Development = other.Development;
        Rollout = other.Rollout;
        Swarm = other.Swarm;
        ConcurrencyToken = Guid.NewGuid();
    }
}

public sealed class TestEnvironmentSpec
{
    public string ContainerName { get; set; } = "";
    public int PublishedPort { get; set; }
    public int ContainerPort { get; set; } = 8080;
    public Dictionary<string, string> EnvironmentVariables { get; set; } = [];
    public string HealthPath { get; set; } = "/health";
    public int HealthTimeoutSeconds { get; set; } = 60;
}

public enum RolloutFailureAction { Rollback, Pause, Continue }

public enum RolloutOrder { StopFirst, StartFirst }

/// <summary>How Swarm replaces tasks during a rolling update.</summary>
public sealed class RolloutPolicy
{
    public int Parallelism { get; set; } = 1;
    public int DelaySeconds { get; set; } = 5;
    public int MonitorSeconds { get; set; } = 15;
    public RolloutFailureAction FailureAction { get; set; } = RolloutFailureAction.Rollback;
    public RolloutOrder Order { get; set; } = RolloutOrder.StopFirst;
    /// <summary>Share of failed tasks Swarm tolerates before the failure action (0 = none).</summary>
    public double MaxFailureRatio { get; set; }
    /// <summary>A rollout not finished by then ends Errored.</summary>
    public int TimeoutSeconds { get; set; } = 600;
    /// <summary>When set, a rollout is released only once this answers 2xx.</summary>
    public string SmokeUrl { get; set; } = "";
}

/// <summary>The production service as `docker service create` would make it on the first release.</summary>
public sealed class SwarmServiceSpec
{
    public int Replicas { get; set; } = 1;
    /// <summary>"published:target" pairs, published in host mode.</summary>
    public List<string> PublishedPorts { get; set; } = [];
    public Dictionary<string, string> EnvironmentVariables { get; set; } = [];
    /// <summary>How long Swarm waits after SIGTERM before killing a task.</summary>
    public int StopGracePeriodSeconds { get; set; } = 10;
}
