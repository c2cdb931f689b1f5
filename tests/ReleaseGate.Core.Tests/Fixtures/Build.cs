using System.Reflection;
using ReleaseGate.Core.Applications;
using ReleaseGate.Core.Candidates;

namespace ReleaseGate.Core.Tests;

/// <summary>Test data in a valid shape, with only what a test cares about spelled out at the call.</summary>
internal static class Build
{
    public static Application Application(string slug = "orders-api") => new()
    {
        Slug = slug,
        DisplayName = "Orders API",
        StagingRepository = $"127.0.0.1:5001/{slug}",
        ProductionRepository = $"127.0.0.1:5002/{slug}",
        SwarmService = slug,
        TestEnvironment = new TestEnvironmentSpec { ContainerName = $"{slug}-test", PublishedPort = 18080 },
        TeamEmails = ["team@example.com"],
        QaEmails = ["qa@example.com"],
    };

    public static Candidate Candidate(Application? app = null, string version = "1.0.0", DateTimeOffset? at = null) => new()
    {
        Application = app ?? Application(),
        Version = version,
        Digest = "sha256:" + new string('a', 64),
        Commit = "9fceb02d0ae598e95dc970b74767f19372d61af8",
        SubmittedBy = "dev@example.com",
        RegisteredAt = at ?? DateTimeOffset.Parse("2026-11-26T09:00:00Z"),
    };

    /// <summary>A candidate put straight into a phase, as if it had got there by the table.</summary>
    public static Candidate CandidateIn(CandidatePhase phase)
    {
        var candidate = Candidate();
        typeof(Candidate).GetProperty(nameof(Core.Candidates.Candidate.Phase))!
            .SetValue(candidate, phase, BindingFlags.NonPublic | BindingFlags.Instance, null, null, null);
        return candidate;
    }
}
