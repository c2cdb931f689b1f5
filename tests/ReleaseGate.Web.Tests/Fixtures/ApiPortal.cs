using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Applications;

namespace ReleaseGate.Web.Tests;

/// <summary>The portal with a Jenkins integration from settings, the real staging registry and an in-process SMTP server.</summary>
public class ApiPortal : PortalFactory
{
    public const string KeyId = "jenkins-test";
    public const string Secret = "a-long-test-secret-of-jenkins";

    public MailSink Mail { get; } = new();
    private readonly List<string> seeded = [];

    public ApiPortal()
    {
        Settings["ReleaseGate:Jenkins:KeyId"] = KeyId;
        Settings["ReleaseGate:Jenkins:Applications"] = "*";
        Settings["ReleaseGate:Jenkins:Secret"] = Secret;
        Settings["ReleaseGate:Smtp:Port"] = Mail.Port.ToString();
        Settings["ReleaseGate:Smtp:PollSeconds"] = "1";
        Settings["ReleaseGate:PublicUrl"] = "http://portal.example.com/";
    }

    public ApiClient Api(TimeProvider? time = null) => new(CreateClient(), KeyId, Secret, time);

    /// <summary>Registers image:tag of the application as Jenkins would, and returns the candidate's id.</summary>
    public async Task<Guid> RegisterAsync(string application, string image, int build)
    {
        var body = new System.Text.Json.Nodes.JsonObject
        {
            ["application"] = application, ["image"] = image, ["commit"] = "9fceb02d0ae598e95dc970b74767f19372d61af8",
            ["buildNumber"] = build, ["buildUrl"] = $"https://jenkins.example.com/job/{application}/{build}/", ["submittedBy"] = "dev@example.com",
            ["changes"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["commit"] = "9fceb02", ["author"] = "Li Lei", ["message"] = $"Build {build}" }),
        }.ToJsonString();
        var response = await Api().PostAsync("/api/v1/candidates", body);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"Registration refused: {text}");
        return System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid();
    }

    /// <summary>The demo application, pointing at the busybox image scripts/infra.sh pushed to staging.</summary>
    public async Task<Application> SeedDemoAsync(string slug = "demo-web", string[]? team = null, string repository = "demo/web",
        string healthPath = "/health", int healthTimeoutSeconds = 30, Dictionary<string, string>? environment = null, int? port = null,
        string stagingHost = "127.0.0.1:5001")
    {
        await using var db = CreateDb();
        var app = new Application
        {
            Slug = slug, DisplayName = "Demo web", StagingRepository = $"{stagingHost}/{repository}",
            ProductionRepository = $"127.0.0.1:5002/{slug}", SwarmService = slug,
            TestEnvironment = new TestEnvironmentSpec
            {
                ContainerName = $"{slug}-test", PublishedPort = port ?? MailSink.FreePort(), HealthPath = healthPath,
                HealthTimeoutSeconds = healthTimeoutSeconds, EnvironmentVariables = environment ?? [],
            },
            TeamEmails = [.. team ?? ["team@example.com", "lead@example.com"]], QaEmails = ["qa@example.com"],
        };
        db.Applications.Add(app);
        await db.SaveChangesAsync();
        seeded.Add(slug);
        return app;
    }

    /// <summary>Waits until the candidate reaches one of the phases, and returns it.</summary>
    public async Task<Candidate> WaitForPhaseAsync(Guid id, TimeSpan timeout, params CandidatePhase[] phases)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            await using var db = CreateDb();
            var candidate = await db.Candidates.AsNoTracking().Include(c => c.Events).SingleAsync(c => c.Id == id);
            if (phases.Contains(candidate.Phase)) return candidate;
            if (DateTime.UtcNow > until)
                throw new TimeoutException($"Candidate {id} is {candidate.Phase}, not {string.Join("/", phases)}, after {timeout}: "
                    + string.Join(" | ", candidate.Events.OrderBy(e => e.At).Select(e => $"{e.Kind}: {e.Message}")));
            await Task.Delay(200);
        }
    }

    protected override void Dispose(bool disposing)
    {
        Mail.StopAsync().GetAwaiter().GetResult();
        base.Dispose(disposing);
        TestContainers.RemoveAsync(seeded).GetAwaiter().GetResult();
    }
}
