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

    public ApiPortal()
    {
        Settings["ReleaseGate:Jenkins:KeyId"] = KeyId;
        Settings["ReleaseGate:Jenkins:Secret"] = Secret;
        Settings["ReleaseGate:Smtp:Port"] = Mail.Port.ToString();
        Settings["ReleaseGate:Smtp:PollSeconds"] = "1";
        Settings["ReleaseGate:PublicUrl"] = "http://portal.example.com/";
    }

    public ApiClient Api(TimeProvider? time = null) => new(CreateClient(), KeyId, Secret, time);

    /// <summary>The demo application, pointing at the busybox image scripts/infra.sh pushed to staging.</summary>
    public async Task<Application> SeedDemoAsync(string slug = "demo-web", string[]? team = null)
    {
        await using var db = CreateDb();
        var app = new Application
        {
            Slug = slug, DisplayName = "Demo web", StagingRepository = "127.0.0.1:5001/demo/web",
            ProductionRepository = $"127.0.0.1:5002/{slug}", SwarmService = slug,
            TestEnvironment = new TestEnvironmentSpec { ContainerName = $"{slug}-test", PublishedPort = MailSink.FreePort() },
            TeamEmails = [.. team ?? ["team@example.com", "lead@example.com"]], QaEmails = ["qa@example.com"],
        };
        db.Applications.Add(app);
        await db.SaveChangesAsync();
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
        TestContainers.RemoveAllAsync().GetAwaiter().GetResult();
    }
}
