namespace ReleaseGate.Core.Applications;

/// <summary>
/// An application as a person edits it: lists and environment variables as text. Turned into an
/// <see cref="Application"/> by <see cref="SaveApplication"/>, which reports what does not parse.
/// </summary>
public sealed class ApplicationForm
{
    /// <summary>Null for a new application.</summary>
    public int? Id { get; set; }
    /// <summary>The application's token when the form was filled in; a save against a newer one is refused.</summary>
    public Guid? ConcurrencyToken { get; set; }
    public string Slug { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public string StagingRepository { get; set; } = "";
    public string ProductionRepository { get; set; } = "";
    public string SwarmService { get; set; } = "";
    public int RequiredApprovals { get; set; } = 1;
    public bool AllowCommitAuthorsToApprove { get; set; }
    /// <summary>Mail addresses separated by commas, semicolons or line breaks.</summary>
    public string TeamEmails { get; set; } = "";
    public string QaEmails { get; set; } = "";
    public string ContainerName { get; set; } = "";
    public int PublishedPort { get; set; }
    public int ContainerPort { get; set; } = 8080;
    /// <summary>One <c>KEY=VALUE</c> a line.</summary>
    public string EnvironmentVariables { get; set; } = "";
    public string HealthPath { get; set; } = "/health";
    public int HealthTimeoutSeconds { get; set; } = 60;
    public int Parallelism { get; set; } = 1;
    public int DelaySeconds { get; set; } = 5;
    public int MonitorSeconds { get; set; } = 15;
    public RolloutFailureAction FailureAction { get; set; } = RolloutFailureAction.Rollback;
    public RolloutOrder Order { get; set; } = RolloutOrder.StopFirst;
    public double MaxFailureRatio { get; set; }
    public int TimeoutSeconds { get; set; } = 600;
    public string SmokeUrl { get; set; } = "";
    /// <summary>The production service as its first release creates it.</summary>
    public int Replicas { get; set; } = 1;
    /// <summary>PUBLISHED:TARGET pairs separated by commas or spaces.</summary>
    public string PublishedPorts { get; set; } = "";
    /// <summary>One <c>KEY=VALUE</c> a line, for the production service.</summary>
    public string ServiceEnvironmentVariables { get; set; } = "";
    public int StopGracePeriodSeconds { get; set; } = 10;
    public bool ManagedByFile { get; private set; }
    /// <summary>The development environment, kept as it is through an edit here (it is declared in the applications file).</summary>
    public TestEnvironmentSpec? Development { get; set; }

    public const string EnvironmentVariablesField = "testEnvironment.environmentVariables";
    public const string ServiceEnvironmentVariablesField = "swarm.environmentVariables";

    private static readonly char[] ListSeparators = [',', ';', '\n', '\r'];

    public static ApplicationForm From(Application a) => new()
    {
        Id = a.Id, ConcurrencyToken = a.ConcurrencyToken, Slug = a.Slug, DisplayName = a.DisplayName, StagingRepository = a.StagingRepository,
        ProductionRepository = a.ProductionRepository, SwarmService = a.SwarmService, RequiredApprovals = a.RequiredApprovals,
        AllowCommitAuthorsToApprove = a.AllowCommitAuthorsToApprove,
        TeamEmails = string.Join(", ", a.TeamEmails), QaEmails = string.Join(", ", a.QaEmails),
        ContainerName = a.TestEnvironment.ContainerName, PublishedPort = a.TestEnvironment.PublishedPort,
        ContainerPort = a.TestEnvironment.ContainerPort,
        EnvironmentVariables = string.Join("\n", a.TestEnvironment.EnvironmentVariables.Select(kv => $"{kv.Key}={kv.Value}")),
        HealthPath = a.TestEnvironment.HealthPath, HealthTimeoutSeconds = a.TestEnvironment.HealthTimeoutSeconds,
        Development = a.Development,
        Parallelism = a.Rollout.Parallelism, DelaySeconds = a.Rollout.DelaySeconds, MonitorSeconds = a.Rollout.MonitorSeconds,
        FailureAction = a.Rollout.FailureAction, Order = a.Rollout.Order, ManagedByFile = a.ManagedByFile,
        MaxFailureRatio = a.Rollout.MaxFailureRatio, TimeoutSeconds = a.Rollout.TimeoutSeconds, SmokeUrl = a.Rollout.SmokeUrl,
        Replicas = a.Swarm.Replicas, PublishedPorts = string.Join(", ", a.Swarm.PublishedPorts), StopGracePeriodSeconds = a.Swarm.StopGracePeriodSeconds,
        ServiceEnvironmentVariables = string.Join("\n", a.Swarm.EnvironmentVariables.Select(kv => $"{kv.Key}={kv.Value}")),
    };

    /// <summary>The application this form describes, and what in its text does not parse.</summary>
    internal (Application Application, List<FieldProblem> Problems) ToApplication()
    {
        var problems = new List<FieldProblem>();
        var application = new Application
        {
            Slug = Slug.Trim(),
            DisplayName = DisplayName.Trim(),
            StagingRepository = StagingRepository.Trim(),
            ProductionRepository = ProductionRepository.Trim(),
            SwarmService = SwarmService.Trim(),
            RequiredApprovals = RequiredApprovals,
            AllowCommitAuthorsToApprove = AllowCommitAuthorsToApprove,
            TeamEmails = List(TeamEmails),
            QaEmails = List(QaEmails),
            TestEnvironment = new TestEnvironmentSpec
            {
                ContainerName = ContainerName.Trim(),
                PublishedPort = PublishedPort,
                ContainerPort = ContainerPort,
                EnvironmentVariables = Variables(EnvironmentVariables, problems, EnvironmentVariablesField),
                HealthPath = HealthPath.Trim(),
                HealthTimeoutSeconds = HealthTimeoutSeconds,
            },
            Development = Development,
            Rollout = new RolloutPolicy
            {
                Parallelism = Parallelism, DelaySeconds = DelaySeconds, MonitorSeconds = MonitorSeconds,
                FailureAction = FailureAction, Order = Order,
                MaxFailureRatio = MaxFailureRatio, TimeoutSeconds = TimeoutSeconds, SmokeUrl = SmokeUrl.Trim(),
            },
            Swarm = new SwarmServiceSpec
            {
                Replicas = Replicas, StopGracePeriodSeconds = StopGracePeriodSeconds,
                PublishedPorts = PublishedPorts.Split([',', ' ', ';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList(),
                EnvironmentVariables = Variables(ServiceEnvironmentVariables, problems, ServiceEnvironmentVariablesField),
            },
        };
        return (application, problems);
    }

    private static List<string> List(string text) =>
        text.Split(ListSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    private static Dictionary<string, string> Variables(string text, List<FieldProblem> problems, string field)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = text.Replace("\r", "").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            var equals = lines[i].IndexOf('=');
            var key = equals < 0 ? "" : lines[i][..equals].Trim();
            if (key.Length == 0 || key.Any(char.IsWhiteSpace))
                problems.Add(new FieldProblem(field, $"line {i + 1} must be KEY=VALUE.", $"第 {i + 1} 行必须是 KEY=VALUE 格式。"));
            else if (!variables.TryAdd(key, lines[i][(equals + 1)..]))
                problems.Add(new FieldProblem(field, $"line {i + 1}: {key} is set twice.", $"第 {i + 1} 行:{key} 被重复设置。"));
        }
        return variables;
    }
}
